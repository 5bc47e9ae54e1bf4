import { once } from 'node:events';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { functionAccessKeyId } from '../../local-cloud/iam/index.js';
import { createLambdaRuntime, type LambdaRuntime } from '../../local-cloud/lambda/index.js';
import { type AssetDirectories, createAssetDirectories, functionSpec } from './lambda-fixture.js';

const sdkPath = createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb');

/** Functions that call DynamoDB through the unchanged SDK, and one plain HTTP GET to another server. */
const SOURCE = `
'use strict';
const http = require('node:http');
const { DynamoDBClient, GetItemCommand } = require(${JSON.stringify(sdkPath)});
const client = new DynamoDBClient({});

exports.getItem = async (event) => {
  try {
    const { Item } = await client.send(new GetItemCommand({ TableName: 'orders', Key: { pk: { S: event.key } } }));
    return { item: Item };
  } catch (error) {
    return { errorName: error.name, message: error.message };
  }
};

exports.fetchOther = (event) =>
  new Promise((resolve, reject) => {
    http.get(event.url, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode, text }));
    }).on('error', reject);
  });
`;

interface Seen {
  target: string | undefined;
  authorization: string | undefined;
  traceId: string | undefined;
  body: string;
}

describe('functions reach the AWS endpoint in-process (ADR 0019)', () => {
  let assets: AssetDirectories;
  let runtime: LambdaRuntime | undefined;
  const seen: Seen[] = [];

  beforeEach(async () => {
    assets = await createAssetDirectories();
    seen.length = 0;
  });
  afterEach(async () => {
    await runtime?.stop();
    runtime = undefined;
    await assets.remove();
  });

  /** A DynamoDB look-alike: records each request and answers with `answer`. */
  function endpoint(answer: (body: Record<string, unknown>) => { status: number; body: unknown }): RequestListener {
    return (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({
          target: req.headers['x-amz-target'] as string | undefined,
          authorization: req.headers.authorization,
          traceId: req.headers['x-amzn-trace-id'] as string | undefined,
          body,
        });
        const { status, body: answerBody } = answer(JSON.parse(body));
        const text = JSON.stringify(answerBody);
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
      });
    };
  }

  async function start(listener: RequestListener, handler: string) {
    const directory = await assets.create('fn', { 'index.js': SOURCE });
    runtime = createLambdaRuntime({
      functions: [functionSpec('caller', directory, `index.${handler}`)],
      // Nothing listens on port 9 (discard): a request that took the socket would fail ECONNREFUSED.
      baseEnvironment: {
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
      awsEndpointListener: listener,
    });
    return runtime;
  }

  it('serves an SDK request with the listener: signed, traced, answered', async () => {
    // Prepare
    const lambda = await start(
      endpoint(() => ({ status: 200, body: { Item: { pk: { S: 'o-1' }, total: { N: '42' } } } })),
      'getItem',
    );

    // Act
    const result = await lambda.invoke('caller', { key: 'o-1' }, { invocationType: 'RequestResponse' });

    // Assess
    expect(result).toMatchObject({ payload: { item: { pk: { S: 'o-1' }, total: { N: '42' } } } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.target).toBe('DynamoDB_20120810.GetItem');
    // Signed with the function's own key, by which the edge knows the caller (local-cloud/iam/).
    expect(seen[0]?.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${functionAccessKeyId('caller')}/`),
    );
    expect(seen[0]?.traceId).toMatch(/^Root=/);
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ TableName: 'orders', Key: { pk: { S: 'o-1' } } });
  });

  it('lets the SDK turn an AWS error answer into its typed exception', async () => {
    // Prepare
    const lambda = await start(
      endpoint(() => ({
        status: 400,
        body: { __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'no table orders' },
      })),
      'getItem',
    );

    // Act
    const result = await lambda.invoke('caller', { key: 'o-2' }, { invocationType: 'RequestResponse' });

    // Assess
    expect(result).toMatchObject({ payload: { errorName: 'ResourceNotFoundException', message: 'no table orders' } });
  });

  it('leaves requests to any other host and port on Node’s own HTTP client', async () => {
    // Prepare
    const other = createServer((_req, res) => res.end('from the other server'));
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    const { port } = other.address() as AddressInfo;
    const lambda = await start(
      endpoint(() => ({ status: 500, body: {} })),
      'fetchOther',
    );

    // Act
    const result = await lambda.invoke(
      'caller',
      { url: `http://127.0.0.1:${port}/` },
      { invocationType: 'RequestResponse' },
    );
    other.close();

    // Assess
    expect(result).toMatchObject({ payload: { status: 200, text: 'from the other server' } });
    expect(seen).toEqual([]);
  });
});
