import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // The stage offers the fault tokens (local, dev and staging do; production does not).
  process.env.TEST_BEHAVIOUR = 'on';
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as processPayment } from '../../../../../functions/checkout/handlers/saga/process-payment.js';
import {
  NotFoundError,
  PaymentDeclinedError,
  PaymentGatewayTimeoutError,
  PaymentGatewayUnavailableError,
} from '../../../../../shared/errors.js';
import { metrics } from '../../../../../shared/powertools/index.js';
import { CHECKOUT_RECORD, lambdaContext, PRICING, SAGA_INPUT, TABLES, useTestTables } from '../../commerce-harness.js';
import { failureOf } from './harness.js';
import { command, gatewayChargeKey, paymentKey, providerCharge, storedPayment } from './payments-harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const gatewayKey = { pk: 'SIMULATED_GATEWAY#chk_0001', sk: 'ATTEMPTS' };

function gatewayAttempt(attempts: number) {
  dynamo.on(UpdateCommand, { Key: gatewayKey }).resolves({ Attributes: { attempts } });
}

/** The checkout record, where the step finds the payment token (the saga's state carries none, ADR 0029). */
function checkoutPaysWith(paymentToken: string | undefined) {
  dynamo
    .on(GetCommand, { TableName: TABLES.CHECKOUTS_TABLE_NAME })
    .resolves({ Item: { ...CHECKOUT_RECORD, paymentToken } });
}

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  useTestTables();
  vi.restoreAllMocks();
  checkoutPaysWith('tok_visa');
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
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({});
    checkoutPaysWith('tok_chargeDeclined');
    gatewayAttempt(1);
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const error = await failureOf(processPayment(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error.name).toBe('PaymentDeclinedError');
    expect(addMetric).toHaveBeenCalledWith('PaymentDeclined', 'Count', 1);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('declines an unknown token', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({});
    checkoutPaysWith('tok_mystery');
    gatewayAttempt(1);
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const error = await failureOf(processPayment(command, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error.message).toContain('unknown payment token');
    expect(addMetric).toHaveBeenCalledWith('PaymentDeclined', 'Count', 1);
  });

  it('is unavailable for tok_transientError on the first attempt, then approves', async () => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({});
    checkoutPaysWith('tok_transientError');
    dynamo
      .on(UpdateCommand, { Key: gatewayKey })
      .resolvesOnce({ Attributes: { attempts: 1 } })
      .resolvesOnce({ Attributes: { attempts: 2 } });
    dynamo.on(PutCommand).resolves({});
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const first = await failureOf(processPayment(command, lambdaContext));
    const second = await processPayment(command, lambdaContext);

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
    checkoutPaysWith('tok_timeoutAfterCapture');

    // Act
    const first = await failureOf(processPayment(command, lambdaContext));
    const recordedAfterFirst = dynamo.commandCalls(PutCommand, { Item: paymentKey }).length;
    const second = await processPayment(command, lambdaContext);

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

    // Assess: nor does it need the token, which the record no longer holds once the checkout settled.
    expect(result).toEqual({ paymentId: 'pay_chk_0001', amountCents: 16084 });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(GetCommand, { TableName: TABLES.CHECKOUTS_TABLE_NAME })).toHaveLength(0);
  });

  it('charges the checkout record’s token, read consistently, even if an older state names another', async () => {
    // Prepare: an execution started before ADR 0029 still carries a token in its state; the record is what counts.
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({});
    checkoutPaysWith('tok_chargeDeclined');
    gatewayAttempt(1);

    // Act
    const error = await failureOf(processPayment({ ...command, paymentToken: 'tok_visa' }, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(PaymentDeclinedError);
    const [read] = dynamo.commandCalls(GetCommand, { TableName: TABLES.CHECKOUTS_TABLE_NAME });
    expect(read?.args[0].input).toMatchObject({ Key: { checkoutId: SAGA_INPUT.checkoutId }, ConsistentRead: true });
  });

  it.each([
    ['no checkout record', () => dynamo.on(GetCommand, { TableName: TABLES.CHECKOUTS_TABLE_NAME }).resolves({})],
    ['a checkout record without a token (written before ADR 0029)', () => checkoutPaysWith(undefined)],
  ])('charges nothing and fails with NotFoundError for %s, whatever the state carries', async (_, prepare) => {
    // Prepare
    dynamo.on(GetCommand, { Key: paymentKey }).resolves({});
    prepare();

    // Act
    const error = await failureOf(processPayment({ ...command, paymentToken: 'tok_visa' }, lambdaContext));

    // Assess: not a decline, so FailCheckout reports it as INTERNAL; the gateway was never asked.
    expect(error).toBeInstanceOf(NotFoundError);
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
