import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/identity/handlers/api/create-service-account.js';
import { ADMIN, auditedActions, bodyOf, invoke, MEMBER, PROJECT, prepareStores, storedItems } from './harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SERVICE_ACCOUNTS_TABLE_NAME: 'service-accounts',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);
afterEach(() => {
  vi.restoreAllMocks();
});

const create = (options: { caller?: typeof ADMIN; key?: string; body?: unknown } = {}) =>
  invoke(handler, {
    caller: options.caller ?? ADMIN,
    method: 'POST',
    pathParameters: { projectId: PROJECT },
    headers: options.key === undefined ? { 'Idempotency-Key': 'create-key-0001' } : { 'Idempotency-Key': options.key },
    body: options.body ?? { name: 'ci', role: 'viewer' },
  });

describe('POST /projects/{projectId}/service-accounts (handler, SDK mocks)', () => {
  it('answers 201 with the client id and the secret, stores only its hash, and audits the creation', async () => {
    // Act
    const response = await create();

    // Assess
    expect(response.statusCode).toBe(201);
    const body = bodyOf(response);
    expect(response.headers?.Location).toBe(`/projects/${PROJECT}/service-accounts/${body.serviceAccountId}`);
    expect(body.clientId).toBe(body.serviceAccountId);
    const [item] = storedItems();
    expect(item).toMatchObject({ tenantId: 'tenant-a', projectId: PROJECT, role: 'viewer', createdBy: ADMIN.sub });
    expect(JSON.stringify(item)).not.toContain(body.clientSecret);
    expect(auditedActions()).toEqual(['identity.service-account.create']);
  });

  it('answers a repeat with 409 SECRET_SHOWN_ONCE and no secret', async () => {
    // Prepare
    const first = bodyOf(await create());

    // Act
    const repeat = await create();

    // Assess
    expect(repeat.statusCode).toBe(409);
    expect(bodyOf(repeat).error).toMatchObject({ code: 'SECRET_SHOWN_ONCE', details: { id: first.serviceAccountId } });
    expect(repeat.body).not.toContain(first.clientSecret);
    expect(storedItems()).toHaveLength(1);
  });

  it.each([
    ['a member', { caller: MEMBER }, 403],
    ['the tenant-admin role', { body: { name: 'ci', role: 'tenant-admin' } }, 400],
    ['no Idempotency-Key', { key: '' }, 400],
  ])('refuses %s, and stores nothing', async (_case, options, status) => {
    // Act
    const response = await create(options);

    // Assess
    expect(response.statusCode).toBe(status);
    expect(storedItems()).toEqual([]);
  });
});
