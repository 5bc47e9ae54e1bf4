import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as create } from '../../../../../functions/identity/handlers/api/create-service-account.js';
import { handler } from '../../../../../functions/identity/handlers/api/delete-service-account.js';
import {
  ADMIN,
  auditedActions,
  createdAccount,
  invoke,
  OTHER_TENANT_ADMIN,
  PROJECT,
  prepareStores,
  storedItems,
} from './harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SERVICE_ACCOUNTS_TABLE_NAME: 'service-accounts',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);

describe('DELETE /projects/{projectId}/service-accounts/{serviceAccountId} (handler, SDK mocks)', () => {
  it('deletes the account with 204 and audits it; a repeat, or another tenant, is 404', async () => {
    // Prepare
    const { serviceAccountId } = await createdAccount(create);
    const remove = (caller: typeof ADMIN) =>
      invoke(handler, { caller, method: 'DELETE', pathParameters: { projectId: PROJECT, serviceAccountId } });

    // Act
    const byOtherTenant = await remove(OTHER_TENANT_ADMIN);
    const deleted = await remove(ADMIN);
    const repeat = await remove(ADMIN);

    // Assess
    expect(byOtherTenant.statusCode).toBe(404);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect(repeat.statusCode).toBe(404);
    expect(storedItems()).toEqual([]);
    expect(auditedActions()).toEqual(['identity.service-account.create', 'identity.service-account.delete']);
  });
});
