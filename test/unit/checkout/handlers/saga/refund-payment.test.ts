import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as refundPayment } from '../../../../../functions/checkout/handlers/saga/refund-payment.js';
import { TransientError } from '../../../../../shared/errors.js';
import { lambdaContext, PRICING, SAGA_INPUT, TABLES, useTestTables } from '../../commerce-harness.js';
import { failureOf } from './harness.js';
import { command, gatewayChargeKey, paymentKey, providerCharge, storedPayment } from './payments-harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  useTestTables();
  vi.restoreAllMocks();
});

describe('RefundPayment step', () => {
  const refundKey = { pk: 'PAYMENT#pay_chk_0001', sk: 'REFUND#ref_saga_chk_0001' };

  it('refunds what remains, records it and announces RefundIssued.v1', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { Key: paymentKey })
      .resolvesOnce({ Item: storedPayment })
      .resolves({ Item: { ...storedPayment, refundedCents: 16084, status: 'REFUNDED' } });
    dynamo.on(GetCommand, { Key: refundKey }).resolves({});
    dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME }).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    // Act
    const result = await refundPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ refundId: 'ref_saga_chk_0001', amountCents: 16084 });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    expect(items[0]?.Update).toMatchObject({
      Key: paymentKey,
      ConditionExpression: expect.stringContaining('refundedCents <= :maxBefore'),
      ExpressionAttributeValues: { ':amount': 16084, ':status': 'REFUNDED', ':maxBefore': 0 },
    });
    expect(items[1]?.Put).toMatchObject({
      Item: { ...refundKey, refundId: 'ref_saga_chk_0001', amountCents: 16084 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: TABLES.EVENT_BUS_NAME, DetailType: 'RefundIssued.v1' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      metadata: { correlationId: SAGA_INPUT.correlationId },
      data: {
        refundId: 'ref_saga_chk_0001',
        orderId: 'ord_chk_0001',
        paymentId: 'pay_chk_0001',
        customerId: SAGA_INPUT.customerId,
        amountCents: 16084,
        refundedCents: 16084,
      },
    });
  });

  it('moves the order’s refunded amount too when the order exists', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({ Item: storedPayment });
    dynamo.on(GetCommand, { Key: refundKey }).resolves({});
    dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME }).resolves({
      Item: { orderId: 'ord_chk_0001', status: 'CANCELLED', lines: [], totals: PRICING.totals },
    });
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });

    // Act
    await refundPayment(command, lambdaContext);

    // Assess
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[2]?.Update).toMatchObject({
      TableName: TABLES.ORDERS_TABLE_NAME,
      Key: { orderId: 'ord_chk_0001' },
      ConditionExpression: 'attribute_exists(orderId)',
      ExpressionAttributeValues: { ':amount': 16084 },
    });
  });

  it('does nothing when there is no payment', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const result = await refundPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ amountCents: 0 });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('refunds a charge the provider made whose answer never reached us, recording it first', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { Key: paymentKey })
      .resolvesOnce({})
      .resolves({
        Item: { ...storedPayment, refundedCents: 16084, status: 'REFUNDED' },
      });
    dynamo.on(GetCommand, { Key: gatewayChargeKey }).resolves({ Item: providerCharge });
    dynamo.on(GetCommand, { Key: refundKey }).resolves({});
    dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME }).resolves({});
    dynamo.on(PutCommand).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    // Act
    const result = await refundPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ refundId: 'ref_saga_chk_0001', amountCents: 16084 });
    const [recorded, providerRefund] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(recorded).toMatchObject({
      Item: { ...paymentKey, checkoutId: 'chk_0001', customerId: SAGA_INPUT.customerId, amountCents: 16084 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(providerRefund).toMatchObject({
      Item: { pk: 'SIMULATED_GATEWAY#chk_0001', sk: 'REFUND#ref_saga_chk_0001', amountCents: 16084 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('does nothing when the payment was already refunded in full by other means', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({
      Item: { ...storedPayment, refundedCents: 16084, status: 'REFUNDED' },
    });
    dynamo.on(GetCommand, { Key: refundKey }).resolves({});

    // Act
    const result = await refundPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ amountCents: 0 });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('finishes, without refunding twice, a compensation recorded by an earlier attempt', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({
      Item: { ...storedPayment, refundedCents: 16084, status: 'REFUNDED' },
    });
    dynamo.on(GetCommand, { Key: refundKey }).resolves({
      Item: { ...refundKey, refundId: 'ref_saga_chk_0001', amountCents: 16084, createdAt: 'then' },
    });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });

    // Act
    const result = await refundPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ refundId: 'ref_saga_chk_0001', amountCents: 16084 });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('retries when a concurrent refund changed the balance', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({ Item: storedPayment });
    dynamo.on(GetCommand, { Key: refundKey }).resolves({});
    dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME }).resolves({});
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );

    // Act
    const error = await failureOf(refundPayment(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(TransientError);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('fails, to be retried, when the event cannot be published', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({ Item: storedPayment });
    dynamo.on(GetCommand, { Key: refundKey }).resolves({});
    dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME }).resolves({});
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });

    // Act
    const error = await failureOf(refundPayment(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(TransientError);
  });
});
