import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as releaseCapacity } from '../../../../../functions/provisioning/handlers/saga/release-capacity.js';
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

  it('releases after the worker answered destroy as its contract says (the deprovision saga)', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: { resourceId: RESOURCE_ID, capacityHeld: 'eu-west-1#vm.small' },
    });

    // Act
    const result = await releaseCapacity({ ...SAGA_INPUT, destruction: { destroyed: true } }, lambdaContext);

    // Assess
    expect(result).toEqual({ released: true });
  });

  it.each([
    ['a destroy it did not do', { destroyed: false }],
    ['an answer outside the contract', { ok: 'sure' }],
    ['no object at all', 'destroyed'],
  ])('refuses to release anything after %s, with ValidationError', async (_case, destruction) => {
    // Act
    const releasing = releaseCapacity({ ...SAGA_INPUT, destruction }, lambdaContext);

    // Assess
    await expect(releasing).rejects.toMatchObject({ name: 'ValidationError' });
    expect(transactItems()).toEqual([]);
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
