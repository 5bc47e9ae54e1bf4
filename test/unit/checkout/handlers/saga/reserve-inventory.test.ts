import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as priceCart } from '../../../../functions/checkout/handlers/saga/price-cart.js';
import { handler as releaseInventory } from '../../../../functions/checkout/handlers/saga/release-inventory.js';
import { handler as reserveInventory } from '../../../../functions/checkout/handlers/saga/reserve-inventory.js';
import { InvalidCartError, OutOfStockError, TransientError, ValidationError } from '../../../../shared/errors.js';
import { CUSTOMER, lambdaContext, PRICING, PRODUCTS, SAGA_INPUT, TABLES, useTestTables } from './harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

function catalogHolds(...products: Array<{ sku: string; name: string; priceCents: number; available: number }>) {
  dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLES.CATALOG_TABLE_NAME]: products } });
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the step to fail');
}

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('PriceCart step', () => {
  const cart = {
    cartId: SAGA_INPUT.cartId,
    ownerSub: CUSTOMER.sub,
    tenantId: CUSTOMER.tenant,
    items: { 'SKU-MOUSE': { quantity: 2 }, 'SKU-KEYBOARD': { quantity: 1 } },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('prices the customer’s cart at current catalog prices with tax for the destination', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME, Key: { cartId: SAGA_INPUT.cartId } }).resolves({
      Item: cart,
    });
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);

    // Act
    const result = await priceCart({ ...SAGA_INPUT, discountCode: 'WELCOME10' }, lambdaContext);

    // Assess: 14997 - 1500 (10 % of 14997 = 1499.7 → 1500) = 13497; × 7.25 % = 978.53 → 979
    expect(result).toEqual({
      lines: PRICING.lines,
      totals: { subtotalCents: 14997, discountCents: 1500, taxCents: 979, totalCents: 14476 },
      discountCode: 'WELCOME10',
    });
  });

  it.each([
    ['missing', undefined],
    ['someone else’s', { ...cart, ownerSub: 'user-bob' }],
    ['another tenant’s', { ...cart, tenantId: 'tenant-b' }],
    ['empty', { ...cart, items: {} }],
  ])('fails with InvalidCartError for a %s cart', async (_, item) => {
    // Prepare
    dynamo.on(GetCommand).resolves(item ? { Item: item } : {});

    // Act
    const error = await failureOf(priceCart(SAGA_INPUT, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect(error.name).toBe('InvalidCartError');
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('fails with InvalidCartError naming an unknown discount code', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: cart });
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);

    // Act
    const error = await failureOf(priceCart({ ...SAGA_INPUT, discountCode: 'BOGUS' }, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect(error.message).toContain('BOGUS');
  });

  it('refuses a command that does not match its schema', async () => {
    // Act
    const error = await failureOf(priceCart({ ...SAGA_INPUT, cartId: undefined }, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(dynamo.calls()).toHaveLength(0);
  });
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
