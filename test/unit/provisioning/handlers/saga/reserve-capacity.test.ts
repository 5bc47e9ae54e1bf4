import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as releaseCapacity } from '../../../../functions/provisioning/handlers/saga/release-capacity.js';
import { handler as reserveCapacity } from '../../../../functions/provisioning/handlers/saga/reserve-capacity.js';
import { CapacityReservation } from '../../../../shared/contracts/provisioning-saga.js';
import { resolvedExpressions } from '../../support/dynamo-expressions.js';
import { lambdaContext, RESOURCE_ID, SAGA_INPUT, transactionCancelled } from '../harness.js';

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

const dynamo = mockClient(DynamoDBDocumentClient);
const NOW = '2026-01-01T00:00:00.000Z';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  dynamo.reset();
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: { resourceId: RESOURCE_ID } });
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
});

afterEach(() => {
  vi.useRealTimers();
});

const transactItems = () => dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];

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

describe('ReleaseCapacity step', () => {
  it('gives the held slot back and drops the hold, in one transaction', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, capacityHeld: 'eu-west-1#vm.small' },
    });

    // Act
    const result = await releaseCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: true });
    const [dropHold, giveBack] = transactItems();
    expect(dropHold?.Update).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(resolvedExpressions(dropHold?.Update)).toEqual({
      update: `SET updatedAt = "${NOW}" REMOVE capacityHeld`,
      // Only the very slot it read: the hold names the row the release gives back to.
      condition: 'capacityHeld = "eu-west-1#vm.small"',
    });
    expect(giveBack?.Update).toMatchObject({ TableName: 'capacity-table', Key: { pk: 'eu-west-1#vm.small' } });
    expect(resolvedExpressions(giveBack?.Update)).toEqual({
      update: 'SET used = used - 1',
      condition: 'attribute_exists(pk)',
    });
  });

  it('is a no-op when nothing was reserved', async () => {
    // Act
    const result = await releaseCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('is a no-op for a resource that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const result = await releaseCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
  });

  it('is a no-op when a concurrent release got there first', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, capacityHeld: 'eu-west-1#vm.small' },
    });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('ConditionalCheckFailed', 'None'));

    // Act
    const result = await releaseCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
  });

  it('drops the hold alone when the capacity row is gone', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, capacityHeld: 'eu-west-1#vm.small' },
    });
    dynamo.on(TransactWriteCommand).rejects(transactionCancelled('None', 'ConditionalCheckFailed'));

    // Act
    const result = await releaseCapacity(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ released: true });
    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(resolvedExpressions(update?.args[0].input)).toEqual({
      update: `SET updatedAt = "${NOW}" REMOVE capacityHeld`,
      condition: 'attribute_exists(capacityHeld)',
    });
  });
});
