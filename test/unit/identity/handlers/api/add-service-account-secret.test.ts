import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/identity/handlers/api/add-service-account-secret.js';
import { handler as create } from '../../../../../functions/identity/handlers/api/create-service-account.js';
import { ADMIN, bodyOf, createdAccount, invoke, PROJECT, prepareStores } from './harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SERVICE_ACCOUNTS_TABLE_NAME: 'service-accounts',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);

describe('POST /projects/{projectId}/service-accounts/{serviceAccountId}/secrets (handler, SDK mocks)', () => {
  it('adds a second secret, shown once; a repeat is 409 SECRET_SHOWN_ONCE, a third active one 409 TOO_MANY_SECRETS', async () => {
    // Prepare
    const { serviceAccountId } = await createdAccount(create);
    const add = (key: string) =>
      invoke(handler, {
        caller: ADMIN,
        method: 'POST',
        pathParameters: { projectId: PROJECT, serviceAccountId },
        headers: { 'Idempotency-Key': key },
      });

    // Act
    const second = await add('secret-key-0001');
    const repeat = await add('secret-key-0001');
    const third = await add('secret-key-0002');

    // Assess
    expect(second.statusCode).toBe(201);
    expect(bodyOf(second)).toEqual({
      serviceAccountId,
      secretId: expect.stringMatching(/^sec_/),
      clientSecret: expect.stringMatching(/^sas_/),
    });
    expect(repeat.statusCode).toBe(409);
    expect(bodyOf(repeat).error.code).toBe('SECRET_SHOWN_ONCE');
    expect(third.statusCode).toBe(409);
    expect(bodyOf(third).error.code).toBe('TOO_MANY_SECRETS');
  });
});
