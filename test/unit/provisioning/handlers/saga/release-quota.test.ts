import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as releaseQuota } from '../../../../../functions/provisioning/handlers/saga/release-quota.js';
import { resolvedExpressions } from '../../../support/dynamo-expressions.js';
import { lambdaContext, RESOURCE_ID, SAGA_INPUT, transactionCancelled } from '../../harness.js';
import { dynamo, NOW, prepareStores, SMALL, transactItems } from './quota-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    TENANTS_TABLE_NAME: 'tenants-table',
    RESOURCES_TABLE_NAME: 'resources-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    DEFAULT_TENANT_QUOTAS: '{"vcpu":4,"memoryGiB":16,"storageGiB":100}',
  });
});

beforeEach(prepareStores);

afterEach(() => {
  vi.useRealTimers();
});

describe('ReleaseQuota step', () => {
  it('gives back what the resource holds and drops the hold, in one transaction', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, tenantId: 'tenant-a', quotaHeld: SMALL },
    });

    // Act
    const result = await releaseQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: true });
    const [dropHold, giveBack] = transactItems();
    expect(dropHold?.Update).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(resolvedExpressions(dropHold?.Update)).toEqual({
      update: `SET updatedAt = "${NOW}" REMOVE quotaHeld`,
      condition: 'attribute_exists(quotaHeld)',
    });
    expect(giveBack?.Update).toMatchObject({ TableName: 'tenants-table', Key: { tenantId: 'tenant-a' } });
    expect(resolvedExpressions(giveBack?.Update)).toEqual({
      update:
        'SET used.vcpu = used.vcpu - 1, used.memoryGiB = used.memoryGiB - 2, ' +
        `used.storageGiB = used.storageGiB - 0, updatedAt = "${NOW}"`,
      condition: 'attribute_exists(tenantId)',
    });
  });

  it('is a no-op when nothing was reserved', async () => {
    // Act
    const result = await releaseQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('is a no-op when the resource does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const result = await releaseQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('is a no-op when a concurrent release got there first', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, tenantId: 'tenant-a', quotaHeld: SMALL },
    });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));

    // Act
    const result = await releaseQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
  });

  it('drops the hold alone when the tenant item is gone, so the compensation cannot get stuck', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, tenantId: 'tenant-a', quotaHeld: SMALL },
    });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));

    // Act
    const result = await releaseQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: true });
    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(resolvedExpressions(update?.args[0].input)).toEqual({
      update: `SET updatedAt = "${NOW}" REMOVE quotaHeld`,
      condition: 'attribute_exists(quotaHeld)',
    });
  });
});
