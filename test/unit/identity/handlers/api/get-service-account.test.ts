import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as create } from '../../../../../functions/identity/handlers/api/create-service-account.js';
import { handler } from '../../../../../functions/identity/handlers/api/get-service-account.js';
import { ADMIN, bodyOf, createdAccount, invoke, OTHER_TENANT_ADMIN, PROJECT, prepareStores } from './harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SERVICE_ACCOUNTS_TABLE_NAME: 'service-accounts',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);

describe('GET /projects/{projectId}/service-accounts/{serviceAccountId} (handler, SDK mocks)', () => {
  it('answers the account to its tenant-admin, and 404 to another tenant or under another project', async () => {
    // Prepare
    const { serviceAccountId } = await createdAccount(create);
    const get = (caller: typeof ADMIN, projectId = PROJECT) =>
      invoke(handler, { caller, pathParameters: { projectId, serviceAccountId } });

    // Act
    const own = await get(ADMIN);
    const otherTenant = await get(OTHER_TENANT_ADMIN);
    const otherProject = await get(ADMIN, 'prj_2');

    // Assess
    expect(own.statusCode).toBe(200);
    expect(bodyOf(own)).toMatchObject({ serviceAccountId, projectId: PROJECT, tenantId: 'tenant-a', role: 'member' });
    expect(otherTenant.statusCode).toBe(404);
    expect(otherProject.statusCode).toBe(404);
  });
});
