import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as cancelOrder } from '../../../../../functions/checkout/handlers/saga/cancel-order.js';
import type { ConflictError } from '../../../../../shared/errors.js';
import { lambdaContext, PRICING, SAGA_INPUT, TABLES, useTestTables } from '../../commerce-harness.js';
import { cancelled, failureOf } from './harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);
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

beforeEach(() => {
  dynamo.reset();
  useTestTables();
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
