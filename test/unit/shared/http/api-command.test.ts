import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
  process.env.IDEMPOTENCY_TABLE_NAME = 'idempotency';
});

import { tuning } from '../../../../lib/config/tuning.js';
import { apiCommand } from '../../../../shared/http/api-command.js';
import { inMemoryIdempotencyTable } from '../../support/idempotency-table.js';
import { apiEvent, bodyOf, type Caller, lambdaContext } from '../../support/lambda.js';

const ADA: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['member'] };
const ADA_ELSEWHERE: Caller = { ...ADA, tenant: 'tenant-b' };
const BOB: Caller = { sub: 'user-bob', tenant: 'tenant-a', roles: ['member'] };

const runs: Array<{ noteId: string; text: string; idempotencyKey: string }> = [];
// A command that creates a note in a folder: the path and the body are both part of the request a repeat must match.
const handler = apiCommand(
  {
    path: z.object({ folderId: z.string() }),
    body: z.object({ text: z.string() }),
    status: 201,
    location: '/notes/{noteId}',
  },
  async ({ path, body, idempotencyKey }) => {
    const noteId = `note-${runs.length + 1}`;
    runs.push({ noteId, text: body.text, idempotencyKey });
    return { noteId, folderId: path.folderId };
  },
);

const request = (caller: Caller, options: { key?: string; folderId?: string; text?: string } = {}) =>
  handler(
    apiEvent({
      caller,
      method: 'POST',
      pathParameters: { folderId: options.folderId ?? 'folder-1' },
      body: { text: options.text ?? 'hello' },
      headers: options.key === undefined ? {} : { 'Idempotency-Key': options.key },
    }),
    lambdaContext,
  );

const idempotencyStore = mockClient(DynamoDBClient);
let idempotencyRecords: Map<string, unknown>;
beforeEach(() => {
  runs.length = 0;
  idempotencyStore.reset();
  idempotencyRecords = inMemoryIdempotencyTable(idempotencyStore);
});

describe('apiCommand', () => {
  it('runs the command with the client key, answers its status and fills the Location template from the result', async () => {
    // Act
    const response = await request(ADA, { key: 'key-0000001' });

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers?.Location).toBe('/notes/note-1');
    expect(bodyOf(response)).toEqual({ noteId: 'note-1', folderId: 'folder-1' });
    expect(runs).toEqual([{ noteId: 'note-1', text: 'hello', idempotencyKey: 'key-0000001' }]);
  });

  it('answers a repeat by the same caller with the first result, without running the command again', async () => {
    // Prepare
    const first = await request(ADA, { key: 'key-0000001' });

    // Act
    const repeat = await request(ADA, { key: 'key-0000001' });

    // Assess
    expect(bodyOf(repeat)).toEqual(bodyOf(first));
    expect(repeat.headers?.Location).toBe('/notes/note-1');
    expect(runs).toHaveLength(1);
  });

  it('scopes the key to the caller: another user, or the same user in another tenant, runs its own command', async () => {
    // Act
    await request(ADA, { key: 'key-0000001' });
    await request(BOB, { key: 'key-0000001' });
    await request(ADA_ELSEWHERE, { key: 'key-0000001' });

    // Assess
    expect(runs.map((run) => run.noteId)).toEqual(['note-1', 'note-2', 'note-3']);
  });

  it.each([
    ['another body', { text: 'bye' }],
    ['another path', { folderId: 'folder-2' }],
  ])('refuses the same key with %s: 409 IDEMPOTENCY_KEY_REUSED, and nothing runs', async (_, change) => {
    // Prepare
    await request(ADA, { key: 'key-0000001' });

    // Act
    const reused = await request(ADA, { key: 'key-0000001', ...change });

    // Assess
    expect(reused.statusCode).toBe(409);
    expect(bodyOf(reused)).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(runs).toHaveLength(1);
  });

  it.each([
    ['missing', undefined],
    ['too short', 'short'],
  ])('refuses a request whose Idempotency-Key is %s with 400, and nothing runs', async (_, key) => {
    // Act
    const response = await request(ADA, { key });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'headers.Idempotency-Key' }] },
    });
    expect(runs).toHaveLength(0);
  });

  it('refuses a body over tuning.api.maxRequestBodyBytes with 413: no idempotency record, nothing runs', async () => {
    // Prepare
    const text = 'x'.repeat(tuning.api.maxRequestBodyBytes);

    // Act
    const response = await request(ADA, { key: 'key-0000001', text });

    // Assess
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(idempotencyStore.calls()).toHaveLength(0);
    expect(idempotencyRecords.size).toBe(0);
    expect(runs).toHaveLength(0);
  });
});
