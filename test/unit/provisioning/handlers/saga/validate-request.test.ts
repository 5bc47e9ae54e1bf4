import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as validateRequest } from '../../../../../functions/provisioning/handlers/saga/validate-request.js';
import { lambdaContext, projectItem, SAGA_INPUT, SRN } from '../../harness.js';
import { dynamo, prepareStores, stored } from './outcomes-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    PROJECTS_TABLE_NAME: 'projects-table',
    RESOURCES_TABLE_NAME: 'resources-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ValidateRequest step', () => {
  it('accepts a PROVISIONING resource of the tenant’s project', async () => {
    // Act
    const result = await validateRequest(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ ok: true });
    expect(dynamo.commandCalls(GetCommand).every((call) => call.args[0].input.ConsistentRead)).toBe(true);
  });

  it.each([
    [
      'a project that does not exist',
      () => dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({}),
      'NotFoundError',
    ],
    [
      'a project of another tenant',
      () =>
        dynamo
          .on(GetCommand, { TableName: 'projects-table' })
          .resolves({ Item: projectItem({ tenantId: 'tenant-b' }) }),
      'NotFoundError',
    ],
    [
      'a resource that does not exist',
      () => dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({}),
      'NotFoundError',
    ],
    [
      'a resource of another project',
      () => stored({ status: 'PROVISIONING', projectId: 'prj_other' }),
      'NotFoundError',
    ],
    ['a resource that is not PROVISIONING', () => stored({ status: 'ACTIVE' }), 'ConflictError'],
    ['a resource under another SRN', () => stored({ status: 'PROVISIONING', srn: `${SRN}x` }), 'ValidationError'],
  ])('refuses %s', async (_case, prepare, errorName) => {
    // Prepare
    prepare();

    // Act
    const attempt = validateRequest(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: errorName });
  });

  it('refuses a flavor the catalog does not have', async () => {
    // Act
    const attempt = validateRequest({ ...SAGA_INPUT, flavor: 'vm.huge' }, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
