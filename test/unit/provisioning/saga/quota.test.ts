import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as releaseQuota } from '../../../../functions/provisioning/handlers/saga/release-quota.js';
import { handler as reserveQuota } from '../../../../functions/provisioning/handlers/saga/reserve-quota.js';
import { QuotaReservation } from '../../../../shared/contracts/provisioning-saga.js';
import {
  conditionFailed,
  lambdaContext,
  RESOURCE_ID,
  SAGA_INPUT,
  tenantItem,
  transactionCancelled,
  VOLUME_SAGA_INPUT,
} from '../harness.js';

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

const dynamo = mockClient(DynamoDBDocumentClient);
const SMALL = { vcpu: 1, memoryGiB: 2, storageGiB: 0 };

beforeEach(() => {
  dynamo.reset();
  dynamo
    .on(GetCommand, { TableName: 'resources-table' })
    .resolves({ Item: { resourceId: RESOURCE_ID, tenantId: 'tenant-a' } });
  dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({ Item: tenantItem() });
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
});

function transactItems(index = 0) {
  return dynamo.commandCalls(TransactWriteCommand)[index]?.args[0].input.TransactItems ?? [];
}

describe('ReserveQuota step', () => {
  it('adds the flavor’s demand to the tenant’s usage and marks the resource, in one transaction', async () => {
    // Act
    const result = QuotaReservation.parse(await reserveQuota(SAGA_INPUT, lambdaContext));

    // Assess
    expect(result).toEqual({ reserved: SMALL, alreadyReserved: false });
    const [markResource, moveUsage] = transactItems();
    expect(markResource?.Update).toMatchObject({
      TableName: 'resources-table',
      Key: { resourceId: RESOURCE_ID },
      ConditionExpression: 'attribute_exists(resourceId) AND attribute_not_exists(quotaHeld)',
      ExpressionAttributeValues: { ':demand': SMALL },
    });
    expect(moveUsage?.Update).toMatchObject({
      TableName: 'tenants-table',
      Key: { tenantId: 'tenant-a' },
      ExpressionAttributeValues: {
        ':vcpu': 1,
        ':mem': 2,
        ':sto': 0,
        // The usage at which one more vm.small still fits a {4, 16, 100} quota.
        ':maxVcpu': 3,
        ':maxMem': 14,
        ':maxSto': 100,
        ':quotaVcpu': 4,
        ':quotaMem': 16,
        ':quotaSto': 100,
      },
    });
    expect(moveUsage?.Update?.ConditionExpression).toContain('#used.#vcpu <= :maxVcpu');
    expect(moveUsage?.Update?.UpdateExpression).toContain('#used.#vcpu = #used.#vcpu + :vcpu');
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
    expect(transactItems()[1]?.Update?.ExpressionAttributeValues).toMatchObject({ ':quotaVcpu': 4 });
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
    expect(transactItems()[1]?.Update?.ExpressionAttributeValues).toMatchObject({ ':quotaVcpu': 8, ':maxVcpu': 7 });
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
    expect(dropHold?.Update).toMatchObject({
      TableName: 'resources-table',
      UpdateExpression: 'SET updatedAt = :now REMOVE quotaHeld',
      ConditionExpression: 'attribute_exists(quotaHeld)',
    });
    expect(giveBack?.Update).toMatchObject({
      TableName: 'tenants-table',
      Key: { tenantId: 'tenant-a' },
      ExpressionAttributeValues: { ':vcpu': 1, ':mem': 2, ':sto': 0 },
    });
    expect(giveBack?.Update?.UpdateExpression).toContain('#used.#vcpu = #used.#vcpu - :vcpu');
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
    expect(update?.args[0].input).toMatchObject({
      TableName: 'resources-table',
      Key: { resourceId: RESOURCE_ID },
      UpdateExpression: 'SET updatedAt = :now REMOVE #marker',
      ExpressionAttributeNames: { '#marker': 'quotaHeld' },
    });
  });
});
