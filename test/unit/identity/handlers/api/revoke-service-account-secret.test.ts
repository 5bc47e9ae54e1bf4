import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as create } from '../../../../../functions/identity/handlers/api/create-service-account.js';
import { handler } from '../../../../../functions/identity/handlers/api/revoke-service-account-secret.js';
import { ADMIN, auditedActions, bodyOf, createdAccount, invoke, PROJECT, prepareStores } from './harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SERVICE_ACCOUNTS_TABLE_NAME: 'service-accounts',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);

describe('DELETE .../service-accounts/{serviceAccountId}/secrets/{secretId} (handler, SDK mocks)', () => {
  it('revokes the secret once, answers the same to a repeat, and 404 for a secret the account does not have', async () => {
    // Prepare
    const { serviceAccountId, secretId } = await createdAccount(create);
    const revoke = (id: string) =>
      invoke(handler, {
        caller: ADMIN,
        method: 'DELETE',
        pathParameters: { projectId: PROJECT, serviceAccountId, secretId: id },
      });

    // Act
    const revoked = await revoke(secretId);
    const repeat = await revoke(secretId);
    const unknown = await revoke('sec_unknown');

    // Assess
    expect(revoked.statusCode).toBe(200);
    expect(bodyOf(revoked).secrets).toEqual([
      { secretId, status: 'REVOKED', createdAt: expect.any(String), revokedAt: expect.any(String) },
    ]);
    expect(repeat.statusCode).toBe(200);
    expect(bodyOf(repeat).secrets).toEqual(bodyOf(revoked).secrets);
    expect(unknown.statusCode).toBe(404);
    expect(auditedActions()).toEqual(['identity.service-account.create', 'identity.secret.revoke']);
  });
});
