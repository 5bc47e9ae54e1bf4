import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as cancelOrder } from '../../../../functions/checkout/handlers/saga/cancel-order.js';
import { handler as clearCart } from '../../../../functions/checkout/handlers/saga/clear-cart.js';
import { handler as createOrder } from '../../../../functions/checkout/handlers/saga/create-order.js';
import { ConflictError } from '../../../../shared/errors.js';
import { lambdaContext, PRICING, SAGA_INPUT, TABLES, useTestTables } from './harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const payment = { paymentId: 'pay_chk_0001', amountCents: PRICING.totals.totalCents };
const placedOrder = {
  orderId: 'ord_chk_0001',
  checkoutId: 'chk_0001',
  customerId: SAGA_INPUT.customerId,
  tenantId: SAGA_INPUT.tenantId,
  status: 'PLACED',
  lines: PRICING.lines,
  totals: PRICING.totals,
  paymentId: 'pay_chk_0001',
  refundedCents: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
};

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

describe('CreateOrder step', () => {
  const command = { ...SAGA_INPUT, pricing: PRICING, payment };

  it('places the order, commits the reservation and takes the stock off the shelf, in one transaction', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const result = await createOrder(command, lambdaContext);

    // Assess
    expect(result).toEqual({ orderId: 'ord_chk_0001' });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(4);
    expect(items[0]?.Put).toMatchObject({
      TableName: TABLES.ORDERS_TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(orderId)',
      Item: {
        orderId: 'ord_chk_0001',
        checkoutId: 'chk_0001',
        customerId: SAGA_INPUT.customerId,
        tenantId: SAGA_INPUT.tenantId,
        status: 'PLACED',
        lines: PRICING.lines,
        totals: PRICING.totals,
        paymentId: 'pay_chk_0001',
        refundedCents: 0,
      },
    });
    expect(items[1]?.Update).toMatchObject({
      TableName: TABLES.RESERVATIONS_TABLE_NAME,
      Key: { checkoutId: 'chk_0001' },
      ExpressionAttributeValues: { ':from': 'HELD', ':to': 'COMMITTED' },
    });
    expect(items.slice(2).map((item) => item.Update)).toMatchObject([
      {
        TableName: TABLES.CATALOG_TABLE_NAME,
        Key: { sku: 'SKU-KEYBOARD' },
        ExpressionAttributeValues: { ':delta': -1 },
      },
      { Key: { sku: 'SKU-MOUSE' }, ExpressionAttributeValues: { ':delta': -2 } },
    ]);
  });

  it('succeeds when the order already exists', async () => {
    // Prepare
    dynamo
      .on(TransactWriteCommand)
      .rejects(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed', 'None', 'None'));

    // Act
    const result = await createOrder(command, lambdaContext);

    // Assess
    expect(result).toEqual({ orderId: 'ord_chk_0001' });
  });

  it('fails with a ConflictError when there is no held reservation', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'));

    // Act
    const error = await failureOf(createOrder(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('RESERVATION_NOT_HELD');
  });
});

describe('CancelOrder step', () => {
  it('cancels the order and holds its stock again so that releasing returns it', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME, Key: { orderId: 'ord_chk_0001' } }).resolves({
      Item: placedOrder,
    });
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const result = await cancelOrder(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ cancelled: true });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update).toMatchObject({
      TableName: TABLES.ORDERS_TABLE_NAME,
      ConditionExpression: '#status = :placed',
      ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':placed': 'PLACED' },
    });
    expect(items[1]?.Update).toMatchObject({
      TableName: TABLES.RESERVATIONS_TABLE_NAME,
      ExpressionAttributeValues: { ':from': 'COMMITTED', ':to': 'HELD' },
    });
    expect(items.slice(2).map((item) => item.Update?.ExpressionAttributeValues)).toEqual([
      { ':delta': 1 },
      { ':delta': 2 },
    ]);
  });

  it.each([
    ['missing', undefined],
    ['already cancelled', { ...placedOrder, status: 'CANCELLED' }],
  ])('does nothing for a %s order', async (_, item) => {
    // Prepare
    dynamo.on(GetCommand).resolves(item ? { Item: item } : {});

    // Act
    const result = await cancelOrder(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ cancelled: false });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('does nothing when a concurrent attempt cancelled it first', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: placedOrder });
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None', 'None'));

    // Act
    const result = await cancelOrder(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ cancelled: false });
  });

  it('fails loudly when the reservation is not committed', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: placedOrder });
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'));

    // Act
    const error = await failureOf(cancelOrder(SAGA_INPUT, lambdaContext));

    // Assess
    expect((error as ConflictError).code).toBe('RESERVATION_NOT_COMMITTED');
  });
});

describe('ClearCart step', () => {
  const command = { ...SAGA_INPUT, order: { orderId: 'ord_chk_0001' } };

  it('empties the customer’s cart', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({ Attributes: { cartId: SAGA_INPUT.cartId, items: {} } });

    // Act
    const result = await clearCart(command, lambdaContext);

    // Assess
    expect(result).toEqual({ cleared: true });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      TableName: TABLES.CARTS_TABLE_NAME,
      Key: { cartId: SAGA_INPUT.cartId },
      UpdateExpression: expect.stringContaining('SET #items = :empty'),
      ConditionExpression: expect.stringContaining('ownerSub = :ownerSub'),
      ExpressionAttributeValues: expect.objectContaining({
        ':empty': {},
        ':ownerSub': SAGA_INPUT.customerId,
        ':tenantId': SAGA_INPUT.tenantId,
      }),
    });
  });

  it('does nothing for a cart that is missing or no longer the customer’s', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const result = await clearCart(command, lambdaContext);

    // Assess
    expect(result).toEqual({ cleared: false });
  });
});
