import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as releaseInventory } from '../../../../../functions/checkout/handlers/saga/release-inventory.js';
import { lambdaContext, PRICING, SAGA_INPUT, TABLES, useTestTables } from '../../commerce-harness.js';
import { cancelled, failureOf } from './harness.js';
import { dynamo } from './inventory-harness.js';

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('ReleaseInventory step', () => {
  const command = { ...SAGA_INPUT, pricing: PRICING };
  const held = {
    checkoutId: SAGA_INPUT.checkoutId,
    lines: [
      { sku: 'SKU-KEYBOARD', quantity: 1 },
      { sku: 'SKU-MOUSE', quantity: 2 },
    ],
    status: 'HELD',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('returns held stock and marks the reservation released', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.RESERVATIONS_TABLE_NAME }).resolves({ Item: held });
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const result = await releaseInventory(command, lambdaContext);

    // Assess
    expect(result).toEqual({ released: true });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update).toMatchObject({
      TableName: TABLES.RESERVATIONS_TABLE_NAME,
      ConditionExpression: '#status = :held',
      ExpressionAttributeValues: { ':released': 'RELEASED', ':held': 'HELD' },
    });
    expect(items.slice(1).map((item) => item.Update)).toMatchObject([
      {
        Key: { sku: 'SKU-KEYBOARD' },
        UpdateExpression: 'SET available = available + :q, reserved = reserved - :q',
        ExpressionAttributeValues: { ':q': 1 },
      },
      { Key: { sku: 'SKU-MOUSE' }, ExpressionAttributeValues: { ':q': 2 } },
    ]);
  });

  it.each([
    ['missing', undefined],
    ['already released', { ...held, status: 'RELEASED' }],
    ['committed to an order', { ...held, status: 'COMMITTED' }],
  ])('does nothing for a %s reservation', async (_, item) => {
    // Prepare
    dynamo.on(GetCommand).resolves(item ? { Item: item } : {});

    // Act
    const result = await releaseInventory(command, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('does nothing when a concurrent attempt released it first', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: held });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));

    // Act
    const result = await releaseInventory(command, lambdaContext);

    // Assess
    expect(result).toEqual({ released: false });
  });

  it('propagates an unexpected failure so the compensation is retried', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: held });
    dynamo.on(TransactWriteCommand).rejects(new Error('network down'));

    // Act
    const error = await failureOf(releaseInventory(command, lambdaContext));

    // Assess
    expect(error.message).toBe('network down');
  });
});
