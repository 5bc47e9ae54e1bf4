import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
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

import { handler as processPayment } from '../../../../functions/checkout/handlers/saga/process-payment.js';
import { handler as refundPayment } from '../../../../functions/checkout/handlers/saga/refund-payment.js';
import {
  PaymentDeclinedError,
  PaymentGatewayTimeoutError,
  PaymentGatewayUnavailableError,
  TransientError,
} from '../../../../shared/errors.js';
import { metrics } from '../../../../shared/powertools/index.js';
import { lambdaContext, PRICING, SAGA_INPUT, TABLES, useTestTables } from './harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

const paymentKey = { pk: 'PAYMENT#pay_chk_0001', sk: 'PAYMENT' };
const gatewayKey = { pk: 'SIMULATED_GATEWAY#chk_0001', sk: 'ATTEMPTS' };
const gatewayChargeKey = { pk: 'SIMULATED_GATEWAY#chk_0001', sk: 'CHARGE' };
const providerCharge = {
  ...gatewayChargeKey,
  checkoutId: 'chk_0001',
  chargeReference: 'sim_ch_chk_0001',
  amountCents: 16084,
};
const command = { ...SAGA_INPUT, pricing: PRICING };
const storedPayment = {
  ...paymentKey,
  paymentId: 'pay_chk_0001',
  checkoutId: 'chk_0001',
  customerId: SAGA_INPUT.customerId,
  tenantId: SAGA_INPUT.tenantId,
  amountCents: 16084,
  refundedCents: 0,
  status: 'CAPTURED',
  createdAt: '2026-01-01T00:00:00.000Z',
};

function gatewayAttempt(attempts: number) {
  dynamo.on(UpdateCommand, { Key: gatewayKey }).resolves({ Attributes: { attempts } });
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
  eventBridge.reset();
  useTestTables();
  vi.restoreAllMocks();
});

describe('ProcessPayment step with the simulated gateway', () => {
  it('charges tok_visa and records the captured payment', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({});
    gatewayAttempt(1);
    dynamo.on(PutCommand).resolves({});

    // Act
    const result = await processPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ paymentId: 'pay_chk_0001', amountCents: PRICING.totals.totalCents });
    const [charged, recorded] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(charged).toMatchObject({
      TableName: TABLES.PAYMENTS_TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { ...gatewayChargeKey, amountCents: 16084, chargeReference: 'sim_ch_chk_0001' },
    });
    expect(recorded).toMatchObject({
      TableName: TABLES.PAYMENTS_TABLE_NAME,
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        ...paymentKey,
        paymentId: 'pay_chk_0001',
        checkoutId: 'chk_0001',
        customerId: SAGA_INPUT.customerId,
        tenantId: SAGA_INPUT.tenantId,
        amountCents: 16084,
        refundedCents: 0,
        status: 'CAPTURED',
      },
    });
    const counter = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(counter).toMatchObject({
      TableName: TABLES.PAYMENTS_TABLE_NAME,
      Key: gatewayKey,
      UpdateExpression: 'ADD attempts :one',
    });
  });

  it('declines tok_chargeDeclined for good and counts the decline', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});
    gatewayAttempt(1);
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const error = await failureOf(processPayment({ ...command, paymentToken: 'tok_chargeDeclined' }, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error.name).toBe('PaymentDeclinedError');
    expect(addMetric).toHaveBeenCalledWith('PaymentDeclined', 'Count', 1);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('declines an unknown token', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});
    gatewayAttempt(1);
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const error = await failureOf(processPayment({ ...command, paymentToken: 'tok_mystery' }, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error.message).toContain('unknown payment token');
    expect(addMetric).toHaveBeenCalledWith('PaymentDeclined', 'Count', 1);
  });

  it('is unavailable for tok_transientError on the first attempt, then approves', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});
    dynamo
      .on(UpdateCommand, { Key: gatewayKey })
      .resolvesOnce({ Attributes: { attempts: 1 } })
      .resolvesOnce({ Attributes: { attempts: 2 } });
    dynamo.on(PutCommand).resolves({});
    const addMetric = vi.spyOn(metrics, 'addMetric');
    const transient = { ...command, paymentToken: 'tok_transientError' };

    // Act
    const first = await failureOf(processPayment(transient, lambdaContext));
    const second = await processPayment(transient, lambdaContext);

    // Assess
    expect(first).toBeInstanceOf(PaymentGatewayUnavailableError);
    expect(first.name).toBe('PaymentGatewayUnavailableError');
    expect(second).toEqual({ paymentId: 'pay_chk_0001', amountCents: 16084 });
    expect(addMetric).not.toHaveBeenCalledWith('PaymentDeclined', expect.anything(), expect.anything());
  });

  it('retries a charge whose answer was lost (tok_timeoutAfterCapture) and records the one charge made', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({});
    dynamo.on(GetCommand, { Key: gatewayChargeKey }).resolves({ Item: providerCharge });
    dynamo
      .on(UpdateCommand, { Key: gatewayKey })
      .resolvesOnce({ Attributes: { attempts: 1 } })
      .resolvesOnce({ Attributes: { attempts: 2 } });
    dynamo
      .on(PutCommand, { Item: gatewayChargeKey })
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo.on(PutCommand, { Item: paymentKey }).resolves({});
    const lostAnswer = { ...command, paymentToken: 'tok_timeoutAfterCapture' };

    // Act
    const first = await failureOf(processPayment(lostAnswer, lambdaContext));
    const recordedAfterFirst = dynamo.commandCalls(PutCommand, { Item: paymentKey }).length;
    const second = await processPayment(lostAnswer, lambdaContext);

    // Assess
    expect(first).toBeInstanceOf(PaymentGatewayTimeoutError);
    expect(recordedAfterFirst).toBe(0);
    expect(second).toEqual({ paymentId: 'pay_chk_0001', amountCents: 16084 });
    expect(dynamo.commandCalls(PutCommand, { Item: paymentKey })).toHaveLength(1);
  });

  it('does not charge again when the payment is already recorded', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({ Item: storedPayment });

    // Act
    const result = await processPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ paymentId: 'pay_chk_0001', amountCents: 16084 });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers the stored payment when a concurrent attempt recorded it first', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolvesOnce({}).resolves({ Item: storedPayment });
    dynamo.on(GetCommand, { Key: gatewayChargeKey }).resolves({ Item: providerCharge });
    gatewayAttempt(1);
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));

    // Act
    const result = await processPayment(command, lambdaContext);

    // Assess
    expect(result).toEqual({ paymentId: 'pay_chk_0001', amountCents: 16084 });
  });
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
