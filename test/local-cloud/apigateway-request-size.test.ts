/**
 * API Gateway's payload limit for REST APIs (10 MB): a larger body never reaches the authorizer or the integration,
 * and is answered with the `REQUEST_TOO_LARGE` gateway response, 413 unless the API customizes it.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeServedApis,
  FakeFunctions,
  okResult,
  policy,
  restApiDefinition,
  type ServedApi,
  serveApi,
  tokenAuthorizer,
} from './apigateway-fixtures.js';

const LIMIT = 10 * 1024 * 1024;

async function servedUpload(gatewayResponses: Parameters<typeof restApiDefinition>[0]['gatewayResponses'] = []) {
  const functions = new FakeFunctions()
    .returning('auth', policy('Allow', '*'))
    .on('upload', (event) => ({ payload: okResult({ bytes: Buffer.byteLength(String(event.body)) }) }));
  const api = await serveApi(
    restApiDefinition({
      routes: [{ path: '/uploads', method: 'POST', function: 'upload', authorizer: 'Auth' }],
      authorizers: [tokenAuthorizer('Auth', 'auth')],
      gatewayResponses,
    }),
    functions,
  );
  return { api, functions };
}

const post = (api: ServedApi, body: string) =>
  fetch(`${api.url}/uploads`, { method: 'POST', headers: { Authorization: 'Bearer t' }, body });

/** A POST whose body is streamed in chunks, without Content-Length, as `Transfer-Encoding: chunked`. */
function postChunked(api: ServedApi, totalBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${api.url}/uploads`,
      { method: 'POST', headers: { Authorization: 'Bearer t', 'Transfer-Encoding': 'chunked' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const write = () => {
      while (sent < totalBytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, totalBytes - sent));
        sent += part.length;
        if (!req.write(part)) return req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('API Gateway request size', () => {
  afterEach(closeServedApis);

  it('passes a body of exactly 10 MB to the integration', async () => {
    // Prepare
    const { api, functions } = await servedUpload();

    // Act
    const response = await post(api, 'x'.repeat(LIMIT));

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ bytes: LIMIT });
    expect(functions.callsTo('upload')).toHaveLength(1);
  });

  it('answers a larger body with 413 REQUEST_TOO_LARGE, before the authorizer and the integration', async () => {
    // Prepare
    const { api, functions } = await servedUpload();

    // Act
    const response = await post(api, 'x'.repeat(LIMIT + 1));

    // Assess
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ message: 'Request Too Long' });
    expect(response.headers.get('x-amzn-errortype')).toBe('RequestTooLongException');
    expect(functions.calls).toEqual([]);
  });

  it('counts a chunked body as it arrives, without Content-Length to go by', async () => {
    // Prepare
    const { api, functions } = await servedUpload();

    // Act
    const response = await postChunked(api, LIMIT + 1024 * 1024);

    // Assess
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({ message: 'Request Too Long' });
    expect(functions.calls).toEqual([]);
  });

  it('renders the API’s own REQUEST_TOO_LARGE response, as AWS does', async () => {
    // Prepare
    const { api } = await servedUpload([
      {
        properties: {
          ResponseType: 'REQUEST_TOO_LARGE',
          StatusCode: '413',
          ResponseTemplates: {
            'application/json':
              '{"error":{"code":"PAYLOAD_TOO_LARGE","message":$context.error.messageString,"correlationId":"$context.requestId"}}',
          },
        },
      },
    ]);

    // Act
    const response = await post(api, 'x'.repeat(LIMIT + 1));

    // Assess
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'Request Too Long',
        correlationId: response.headers.get('x-amzn-requestid'),
      },
    });
  });
});
