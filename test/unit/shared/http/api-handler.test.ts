import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { tuning } from '../../../../lib/config/tuning.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { apiEvent, bodyOf, type Caller, lambdaContext } from '../../support/lambda.js';

const ADA: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['member'] };
const LIMIT = tuning.api.maxRequestBodyBytes;

const received: unknown[] = [];
const noteHandler = apiHandler({ body: z.object({ text: z.string() }) }, async ({ body }) => {
  received.push(body);
  return { statusCode: 200, body: { length: body.text.length } };
});
const listHandler = apiHandler({}, async () => {
  received.push('listed');
  return { statusCode: 200, body: [] };
});

/** `{"text":"xxx..."}` of exactly `bytes` bytes. */
const noteOfBytes = (bytes: number) => JSON.stringify({ text: 'x'.repeat(bytes - '{"text":""}'.length) });

beforeEach(() => {
  received.length = 0;
});

describe('apiHandler: the request body limit', () => {
  it('reads a body of exactly the limit', async () => {
    // Prepare
    const body = noteOfBytes(LIMIT);

    // Act
    const response = await noteHandler(apiEvent({ caller: ADA, method: 'POST', body }), lambdaContext);

    // Assess
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    expect(response.statusCode).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('refuses a body one byte over it with 413 in the error envelope, before anything runs', async () => {
    // Act
    const response = await noteHandler(
      apiEvent({ caller: ADA, method: 'POST', body: noteOfBytes(LIMIT + 1) }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response)).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body is larger than ${LIMIT} bytes`,
        details: { limitBytes: LIMIT },
        correlationId: 'corr-test-0001',
      },
    });
    expect(response.headers?.['X-Correlation-Id']).toBe('corr-test-0001');
    expect(received).toEqual([]);
  });

  it('counts bytes, not characters: two-byte characters reach the limit at half its length', async () => {
    // Prepare
    const body = JSON.stringify({ text: 'é'.repeat(LIMIT / 2) });

    // Act
    const response = await noteHandler(apiEvent({ caller: ADA, method: 'POST', body }), lambdaContext);

    // Assess
    expect(body.length).toBeLessThan(LIMIT);
    expect(response.statusCode).toBe(413);
    expect(received).toEqual([]);
  });

  it('counts a base64-encoded body by its decoded size', async () => {
    // Prepare
    const within = Buffer.from(noteOfBytes(LIMIT)).toString('base64');
    const over = Buffer.from(noteOfBytes(LIMIT + 1)).toString('base64');
    const event = (body: string) => ({ ...apiEvent({ caller: ADA, method: 'POST', body }), isBase64Encoded: true });

    // Act
    const accepted = await noteHandler(event(within), lambdaContext);
    const refused = await noteHandler(event(over), lambdaContext);

    // Assess
    expect(within.length).toBeGreaterThan(LIMIT);
    expect(accepted.statusCode).toBe(200);
    expect(refused.statusCode).toBe(413);
  });

  it('refuses an oversized body on a route that reads none, too', async () => {
    // Act
    const response = await listHandler(
      apiEvent({ caller: ADA, method: 'GET', body: 'x'.repeat(LIMIT + 1) }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(received).toEqual([]);
  });
});

describe('apiHandler: what a body must be', () => {
  it.each([['application/json'], ['application/json; charset=utf-8'], ['application/merge-patch+json']])(
    'reads a body sent as %s',
    async (contentType) => {
      // Act
      const response = await noteHandler(
        apiEvent({ caller: ADA, method: 'POST', body: '{"text":"hi"}', headers: { 'Content-Type': contentType } }),
        lambdaContext,
      );

      // Assess
      expect(response.statusCode).toBe(200);
    },
  );

  it.each([
    ['text/plain'],
    ['application/x-www-form-urlencoded'],
    ['application/xml'],
    ['multipart/form-data; boundary=x'],
  ])('refuses a body sent as %s with 415, and runs nothing', async (contentType) => {
    // Act
    const response = await noteHandler(
      apiEvent({ caller: ADA, method: 'POST', body: '{"text":"hi"}', headers: { 'content-type': contentType } }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(415);
    expect(bodyOf(response)).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', details: { contentType } } });
    expect(received).toEqual([]);
  });
});

describe('apiHandler: the Idempotency-Key header', () => {
  const commandHandler = apiHandler({ body: z.object({ text: z.string() }), requireIdempotencyKey: true }, async () => {
    received.push('ran');
    return { statusCode: 201, body: {} };
  });
  const withKey = (key: string) =>
    commandHandler(
      apiEvent({ caller: ADA, method: 'POST', body: '{"text":"hi"}', headers: { 'Idempotency-Key': key } }),
      lambdaContext,
    );

  it('takes 8 to 128 visible ASCII characters', async () => {
    // Act
    const responses = await Promise.all([withKey('key-0001'), withKey('k'.repeat(128)), withKey('a:b/c=d+e_0')]);

    // Assess
    expect(responses.map((response) => response.statusCode)).toEqual([201, 201, 201]);
  });

  it.each([
    ['too short', 'key-001'],
    ['too long', 'k'.repeat(129)],
    ['a space', 'key 0001x'],
    ['a control character', 'key-0001\u0000'],
    ['a lookalike letter', 'kеy-0001'],
  ])('refuses a key with %s (400), and runs nothing', async (_case, key) => {
    // Act
    const response = await withKey(key);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'headers.Idempotency-Key' }] },
    });
    expect(received).toEqual([]);
  });
});
