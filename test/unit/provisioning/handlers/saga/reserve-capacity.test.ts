import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as reserveCapacity } from '../../../../../functions/provisioning/handlers/saga/reserve-capacity.js';
import { CapacityReservation } from '../../../../../shared/contracts/provisioning-saga.js';
import { resolvedExpressions } from '../../../support/dynamo-expressions.js';
import { lambdaContext, RESOURCE_ID, SAGA_INPUT, transactionCancelled } from '../../harness.js';
import { dynamo, NOW, prepareStores, transactItems } from './capacity-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    CAPACITY_TABLE_NAME: 'capacity-table',
    RESOURCES_TABLE_NAME: 'resources-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

beforeEach(prepareStores);

afterEach(() => {
  vi.useRealTimers();
});

describe('ReserveCapacity step', () => {
  it('takes one slot of the flavor in the region while used < total, and marks the resource', async () => {
    // Act
    const result = CapacityReservation.parse(await reserveCapacity(SAGA_INPUT, lambdaContext));

    // Assess
    expect(result).toEqual({ region: 'eu-west-1', flavor: 'vm.small', alreadyReserved: false });
    const [markResource, takeSlot] = transactItems();
    expect(markResource?.Update).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(resolvedExpressions(markResource?.Update)).toEqual({
      update: `SET capacityHeld = "eu-west-1#vm.small", updatedAt = "${NOW}"`,
      condition: 'attribute_exists(resourceId) AND attribute_not_exists(capacityHeld)',
    });
    expect(takeSlot?.Update).toMatchObject({ TableName: 'capacity-table', Key: { pk: 'eu-west-1#vm.small' } });
    expect(resolvedExpressions(takeSlot?.Update)).toEqual({
      update: 'SET used = used + 1',
      condition: 'attribute_exists(pk) AND used < total',
    });
  });

  it('throws CapacityUnavailableError when the flavor is full in the region', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));

    // Act
    const attempt = reserveCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'CapacityUnavailableError',
      code: 'CAPACITY_UNAVAILABLE',
      message: 'No capacity left for vm.small in eu-west-1',
    });
  });

  it('takes no second slot when the resource holds one already (a repeated step)', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, capacityHeld: 'eu-west-1#vm.small' },
    });

    // Act
    const result = await reserveCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toMatchObject({ alreadyReserved: true });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers a concurrent duplicate that won the race as already reserved', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { TableName: 'resources-table' })
      .resolvesOnce({ Item: { resourceId: RESOURCE_ID } })
      .resolves({ Item: { resourceId: RESOURCE_ID, capacityHeld: 'eu-west-1#vm.small' } });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));

    // Act
    const result = await reserveCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toMatchObject({ alreadyReserved: true });
  });

  it('throws NotFoundError for a resource that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const attempt = reserveCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it('rethrows throttling as a TransientError', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('ThrottlingError', 'None'));

    // Act
    const attempt = reserveCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'TransientError' });
  });
});
