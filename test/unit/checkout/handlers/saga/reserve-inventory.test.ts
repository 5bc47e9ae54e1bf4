import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as reserveInventory } from '../../../../../functions/checkout/handlers/saga/reserve-inventory.js';
import { InvalidCartError, OutOfStockError, TransientError } from '../../../../../shared/errors.js';
import { lambdaContext, PRICING, PRODUCTS, SAGA_INPUT, TABLES, useTestTables } from '../../commerce-harness.js';
import { cancelled, failureOf } from './harness.js';
import { catalogHolds, dynamo } from './inventory-harness.js';

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('ReserveInventory step', () => {
  const command = { ...SAGA_INPUT, pricing: PRICING };

  it('reserves every line and holds the reservation in one transaction', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const result = await reserveInventory(command, lambdaContext);

    // Assess
    expect(result).toEqual({ reservedSkus: ['SKU-KEYBOARD', 'SKU-MOUSE'] });
    const calls = dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(3);
    expect(items[0]?.Update).toMatchObject({
      TableName: TABLES.CATALOG_TABLE_NAME,
      Key: { sku: 'SKU-KEYBOARD' },
      UpdateExpression: 'SET available = available - :q, reserved = reserved + :q',
      ConditionExpression: expect.stringContaining('available >= :q'),
      ExpressionAttributeValues: { ':q': 1 },
    });
    expect(items[1]?.Update).toMatchObject({ Key: { sku: 'SKU-MOUSE' }, ExpressionAttributeValues: { ':q': 2 } });
    expect(items[2]?.Put).toMatchObject({
      TableName: TABLES.RESERVATIONS_TABLE_NAME,
      Item: {
        checkoutId: SAGA_INPUT.checkoutId,
        status: 'HELD',
        lines: [
          { sku: 'SKU-KEYBOARD', quantity: 1 },
          { sku: 'SKU-MOUSE', quantity: 2 },
        ],
      },
      ConditionExpression: 'attribute_not_exists(checkoutId)',
    });
  });

  it('fails with OutOfStockError naming both short SKUs', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'));
    catalogHolds({ ...PRODUCTS.keyboard, available: 0 }, { ...PRODUCTS.mouse, available: 1 });

    // Act
    const error = await failureOf(reserveInventory(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error.name).toBe('OutOfStockError');
    expect((error as OutOfStockError).skus).toEqual(['SKU-KEYBOARD', 'SKU-MOUSE']);
    expect(error.message).toBe('Not enough stock for SKU-KEYBOARD, SKU-MOUSE');
    expect(dynamo.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems).toEqual({
      [TABLES.CATALOG_TABLE_NAME]: { Keys: [{ sku: 'SKU-KEYBOARD' }, { sku: 'SKU-MOUSE' }], ConsistentRead: true },
    });
  });

  it('names a short SKU the database rejected even if stock came back before the read', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);

    // Act
    const error = await failureOf(reserveInventory(command, lambdaContext));

    // Assess
    expect((error as OutOfStockError).skus).toEqual(['SKU-MOUSE']);
  });

  it('succeeds when the reservation already exists for this checkout', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'ConditionalCheckFailed'));

    // Act
    const result = await reserveInventory(command, lambdaContext);

    // Assess
    expect(result).toEqual({ reservedSkus: ['SKU-KEYBOARD', 'SKU-MOUSE'] });
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('succeeds when already reserved even if stock has since run short', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'ConditionalCheckFailed'));

    // Act
    const result = await reserveInventory(command, lambdaContext);

    // Assess
    expect(result.reservedSkus).toHaveLength(2);
  });

  it('fails with InvalidCartError for a product that does not exist', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    catalogHolds(PRODUCTS.mouse);

    // Act
    const error = await failureOf(reserveInventory(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect(error.message).toContain('SKU-KEYBOARD');
  });

  it('fails with a TransientError when the transaction met contention', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict', 'None'));

    // Act
    const error = await failureOf(reserveInventory(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect(error.name).toBe('TransientError');
  });
});
