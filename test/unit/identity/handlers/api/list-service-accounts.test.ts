import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as create } from '../../../../../functions/identity/handlers/api/create-service-account.js';
import { handler } from '../../../../../functions/identity/handlers/api/list-service-accounts.js';
import {
  ADMIN,
  bodyOf,
  createdAccount,
  invoke,
  MEMBER,
  OTHER_TENANT_ADMIN,
  PROJECT,
  prepareStores,
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

describe('GET /projects/{projectId}/service-accounts (handler, SDK mocks)', () => {
  it("lists the caller's tenant's accounts of the project, with their secrets' status and no hash", async () => {
    // Prepare
    const mine = await createdAccount(create);
    await createdAccount(create, OTHER_TENANT_ADMIN, 'create-key-0002');

    // Act
    const response = await invoke(handler, { caller: ADMIN, pathParameters: { projectId: PROJECT } });

    // Assess
    expect(response.statusCode).toBe(200);
    const { serviceAccounts } = bodyOf(response);
    expect(serviceAccounts.map((account: { serviceAccountId: string }) => account.serviceAccountId)).toEqual([
      mine.serviceAccountId,
    ]);
    expect(serviceAccounts[0].secrets).toEqual([
      { secretId: mine.secretId, status: 'ACTIVE', createdAt: expect.any(String) },
    ]);
    expect(response.body).not.toMatch(/"hash"|"salt"/);
  });

  it('refuses a member with 403', async () => {
    // Act
    const response = await invoke(handler, { caller: MEMBER, pathParameters: { projectId: PROJECT } });

    // Assess
    expect(response.statusCode).toBe(403);
  });
});
