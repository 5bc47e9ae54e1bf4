import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as createOrder } from '../../../../../functions/checkout/handlers/saga/create-order.js';
import { ConflictError } from '../../../../../shared/errors.js';
import { lambdaContext, PRICING, SAGA_INPUT, TABLES, useTestTables } from '../../commerce-harness.js';
import { cancelled, failureOf } from './harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const payment = { paymentId: 'pay_chk_0001', amountCents: PRICING.totals.totalCents };

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
