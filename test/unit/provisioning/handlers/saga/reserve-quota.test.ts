import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as reserveQuota } from '../../../../../functions/provisioning/handlers/saga/reserve-quota.js';
import { QuotaReservation } from '../../../../../shared/contracts/provisioning-saga.js';
import { resolvedExpressions } from '../../../support/dynamo-expressions.js';
import {
  conditionFailed,
  lambdaContext,
  RESOURCE_ID,
  SAGA_INPUT,
  tenantItem,
  transactionCancelled,
  VOLUME_SAGA_INPUT,
} from '../../harness.js';
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

describe('ReserveQuota step', () => {
  it('adds the flavor’s demand to the tenant’s usage and marks the resource, in one transaction', async () => {
    // Act
    const result = QuotaReservation.parse(await reserveQuota(SAGA_INPUT, lambdaContext));

    // Assess
    expect(result).toEqual({ reserved: SMALL, alreadyReserved: false });
    const [markResource, moveUsage] = transactItems();
    expect(markResource?.Update).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(resolvedExpressions(markResource?.Update)).toEqual({
      update: `SET quotaHeld = ${JSON.stringify(SMALL)}, updatedAt = "${NOW}"`,
      condition: 'attribute_exists(resourceId) AND attribute_not_exists(quotaHeld)',
    });
    expect(moveUsage?.Update).toMatchObject({ TableName: 'tenants-table', Key: { tenantId: 'tenant-a' } });
    expect(resolvedExpressions(moveUsage?.Update)).toEqual({
      update:
        'SET used.vcpu = used.vcpu + 1, used.memoryGiB = used.memoryGiB + 2, ' +
        `used.storageGiB = used.storageGiB + 0, updatedAt = "${NOW}"`,
      // The usage at which one more vm.small still fits a {4, 16, 100} quota, and that quota as read.
      condition:
        'used.vcpu <= 3 AND used.memoryGiB <= 14 AND used.storageGiB <= 100 AND ' +
        'quotas.vcpu = 4 AND quotas.memoryGiB = 16 AND quotas.storageGiB = 100',
    });
  });

  it('reserves storage for a volume', async () => {
    // Act
    const result = await reserveQuota(VOLUME_SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ reserved: { vcpu: 0, memoryGiB: 0, storageGiB: 10 }, alreadyReserved: false });
  });

  it('reserves a demand that brings usage exactly to the quota', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({
      Item: tenantItem({ used: { vcpu: 3, memoryGiB: 14, storageGiB: 0 } }),
    });

    // Act
    const result = await reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toMatchObject({ alreadyReserved: false });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('throws QuotaExceededError over quota, and writes nothing', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({
      Item: tenantItem({ used: { vcpu: 4, memoryGiB: 2, storageGiB: 0 } }),
    });

    // Act
    const attempt = reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'QuotaExceededError',
      code: 'QUOTA_EXCEEDED',
      message: "The tenant's quota is exceeded: vcpu needs 1, 0 left",
      details: { exceeded: ['vcpu'] },
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('changes nothing when the resource holds its quota already (a repeated step)', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, quotaHeld: SMALL },
    });
    // Full by now, counting this very resource: a repeat must not be refused for it.
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({
      Item: tenantItem({ used: { vcpu: 4, memoryGiB: 16, storageGiB: 100 } }),
    });

    // Act
    const result = await reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ reserved: SMALL, alreadyReserved: true });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('creates a tenant without an item with DEFAULT_TENANT_QUOTAS and zero usage (conditional put)', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({});

    // Act
    await reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toMatchObject({
      TableName: 'tenants-table',
      ConditionExpression: 'attribute_not_exists(tenantId)',
      Item: {
        tenantId: 'tenant-a',
        quotas: { vcpu: 4, memoryGiB: 16, storageGiB: 100 },
        used: { vcpu: 0, memoryGiB: 0, storageGiB: 0 },
      },
    });
    expect(resolvedExpressions(transactItems()[1]?.Update).condition).toContain('quotas.vcpu = 4 ');
  });

  it('takes a tenant a concurrent reservation created first', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { TableName: 'tenants-table' })
      .resolvesOnce({})
      .resolves({ Item: tenantItem({ quotas: { vcpu: 8, memoryGiB: 32, storageGiB: 500 } }) });
    dynamo.on(PutCommand, { TableName: 'tenants-table' }).rejects(conditionFailed());

    // Act
    await reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    const { condition } = resolvedExpressions(transactItems()[1]?.Update);
    expect(condition).toContain('used.vcpu <= 7 ');
    expect(condition).toContain('quotas.vcpu = 8 ');
  });

  it('decides again when usage moved under it, and refuses if it no longer fits', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { TableName: 'tenants-table' })
      .resolvesOnce({ Item: tenantItem({ used: { vcpu: 3, memoryGiB: 0, storageGiB: 0 } }) })
      .resolves({ Item: tenantItem({ used: { vcpu: 4, memoryGiB: 2, storageGiB: 0 } }) });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));

    // Act
    const attempt = reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('decides again when the quota changed under it, and reserves if it still fits', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejectsOnce(transactionCancelled('None', 'ConditionalCheckFailed')).resolves({});

    // Act
    const result = await reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toMatchObject({ alreadyReserved: false });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('gives up with a TransientError (retried by the saga) when the tenant keeps changing', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));

    // Act
    const attempt = reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'TransientError' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('answers a concurrent duplicate of the step that won the race as already reserved', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { TableName: 'resources-table' })
      .resolvesOnce({ Item: { resourceId: RESOURCE_ID } })
      .resolves({ Item: { resourceId: RESOURCE_ID, quotaHeld: SMALL } });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));

    // Act
    const result = await reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ reserved: SMALL, alreadyReserved: true });
  });

  it('rethrows contention as a TransientError', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('TransactionConflict', 'None'));

    // Act
    const attempt = reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'TransientError' });
  });

  it('throws NotFoundError for a resource that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const attempt = reserveQuota(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('refuses a command that is not a saga state', async () => {
    // Act
    const attempt = reserveQuota({ resourceId: RESOURCE_ID }, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
    expect(dynamo.calls()).toHaveLength(0);
  });
});
