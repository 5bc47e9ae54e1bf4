import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as requestRefund } from '../../../../../functions/checkout/handlers/api/request-refund.js';
import { apiEvent, bodyOf, type Caller, CUSTOMER, lambdaContext, SUPPORT, TABLES } from '../../commerce-harness.js';
import {
  dynamo,
  eventBridge,
  IDEMPOTENCY_KEY,
  order,
  payment,
  paymentKey,
  prepareStores,
  refundId,
  refundKey,
  storeHolds,
} from './orders-harness.js';

const refundEvent = (body: unknown, options: { caller?: Caller; headers?: Record<string, string> } = {}) =>
  apiEvent({
    caller: options.caller ?? SUPPORT,
    pathParameters: { orderId: 'ord_chk_0001' },
    body,
    headers: options.headers ?? { 'Idempotency-Key': IDEMPOTENCY_KEY },
  });

beforeEach(prepareStores);

describe('POST /orders/{orderId}/refunds', () => {
  it('refunds part of the order, records it atomically, announces it and answers 201', async () => {
    // Prepare
    storeHolds({ payments: [payment, { ...payment, refundedCents: 2500, status: 'PARTIALLY_REFUNDED' }] });
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 2500 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toEqual({
      refundId,
      orderId: 'ord_chk_0001',
      amountCents: 2500,
      refundedCents: 2500,
      paymentStatus: 'PARTIALLY_REFUNDED',
    });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(3);
    expect(items[0]?.Update).toMatchObject({
      TableName: TABLES.PAYMENTS_TABLE_NAME,
      Key: paymentKey,
      UpdateExpression: 'SET refundedCents = refundedCents + :amount, #status = :status',
      ConditionExpression: 'attribute_exists(pk) AND refundedCents <= :maxBefore',
      ExpressionAttributeValues: { ':amount': 2500, ':status': 'PARTIALLY_REFUNDED', ':maxBefore': 7500 },
    });
    expect(items[1]?.Put).toMatchObject({
      Item: { ...refundKey, refundId, amountCents: 2500 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(items[2]?.Update).toMatchObject({
      TableName: TABLES.ORDERS_TABLE_NAME,
      Key: { orderId: 'ord_chk_0001' },
      ConditionExpression: 'attribute_exists(orderId) AND #status = :placed',
      ExpressionAttributeValues: { ':amount': 2500, ':placed': 'PLACED' },
    });
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry?.DetailType).toBe('RefundIssued.v1');
    expect(JSON.parse(entry?.Detail ?? '{}')).toMatchObject({
      metadata: { correlationId: 'corr-test-0001' },
      data: { refundId, orderId: 'ord_chk_0001', paymentId: 'pay_chk_0001', amountCents: 2500, refundedCents: 2500 },
    });
  });

  it('refunds everything that remains when no amount is given', async () => {
    // Prepare
    const halfRefunded = { ...payment, refundedCents: 4000, status: 'PARTIALLY_REFUNDED' };
    storeHolds({ payments: [halfRefunded, { ...halfRefunded, refundedCents: 10_000, status: 'REFUNDED' }] });
    dynamo.on(TransactWriteCommand).resolves({});

    // Act
    const response = await requestRefund(refundEvent({}), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({ amountCents: 6000, refundedCents: 10_000, paymentStatus: 'REFUNDED' });
    const update = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':status': 'REFUNDED', ':maxBefore': 4000 });
  });

  it('settles the status when concurrent partial refunds together refunded everything', async () => {
    // Prepare: both refunds read 0 and recorded PARTIALLY_REFUNDED; the second one completes the payment
    storeHolds({ payments: [payment, { ...payment, refundedCents: 10_000, status: 'PARTIALLY_REFUNDED' }] });
    dynamo.on(TransactWriteCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 6000 }), lambdaContext);

    // Assess
    expect(bodyOf(response)).toMatchObject({ refundedCents: 10_000, paymentStatus: 'REFUNDED' });
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: paymentKey,
      ConditionExpression: 'refundedCents >= amountCents',
      ExpressionAttributeValues: { ':refunded': 'REFUNDED' },
    });
  });

  it('answers 422 REFUND_EXCEEDS_BALANCE for more than remains, writing nothing', async () => {
    // Prepare
    storeHolds({ payments: [{ ...payment, refundedCents: 9000, status: 'PARTIALLY_REFUNDED' }] });

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 1001 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response)).toEqual({
      error: {
        code: 'REFUND_EXCEEDS_BALANCE',
        message: 'Order ord_chk_0001 has 1000 cents left to refund; 1001 cents were requested',
        details: { requestedCents: 1001, remainingCents: 1000 },
        correlationId: 'corr-test-0001',
      },
    });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers 422 when a concurrent refund took the balance before the write', async () => {
    // Prepare
    storeHolds({ payments: [payment, { ...payment, refundedCents: 9000, status: 'PARTIALLY_REFUNDED' }] });
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 5000 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).error.details).toEqual({ requestedCents: 5000, remainingCents: 1000 });
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers 422 for a payment already refunded in full', async () => {
    // Prepare
    storeHolds({ payments: [{ ...payment, refundedCents: 10_000, status: 'REFUNDED' }] });

    // Act
    const response = await requestRefund(refundEvent({}), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).error.code).toBe('REFUND_EXCEEDS_BALANCE');
  });

  it('answers 409 ORDER_CANCELLED for a cancelled order', async () => {
    // Prepare
    storeHolds({ order: { ...order, status: 'CANCELLED' } });

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe('ORDER_CANCELLED');
  });

  it('answers 409 when the order is cancelled between the read and the write', async () => {
    // Prepare
    storeHolds();
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }],
      }),
    );

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(409);
  });

  it.each([
    ['an unknown order', undefined],
    ['an order of another tenant', { ...order, tenantId: 'tenant-b' }],
  ])('answers 404 for %s', async (_, stored) => {
    // Prepare
    storeHolds({ order: stored });

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('finishes a refund an earlier attempt recorded, without recording it twice', async () => {
    // Prepare
    storeHolds({
      payments: [{ ...payment, refundedCents: 2500, status: 'PARTIALLY_REFUNDED' }],
      refund: { ...refundKey, refundId, amountCents: 2500, reason: 'requested by support', createdAt: 'then' },
    });

    // Act
    const response = await requestRefund(refundEvent({ amountCents: 2500 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toMatchObject({ refundId, amountCents: 2500, refundedCents: 2500 });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('answers 403 to a customer', async () => {
    // Act
    const response = await requestRefund(refundEvent({ amountCents: 100 }, { caller: CUSTOMER }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers 400 without an Idempotency-Key', async () => {
    // Act
    const response = await requestRefund(refundEvent({ amountCents: 100 }, { headers: {} }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.details).toEqual([{ path: 'headers.Idempotency-Key', message: 'required' }]);
  });

  it('answers 400 with field details for a non-positive amount', async () => {
    // Act
    const response = await requestRefund(refundEvent({ amountCents: 0 }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.details[0].path).toBe('amountCents');
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    // Act
    const response = await requestRefund(refundEvent('{amount'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.code).toBe('MALFORMED_JSON');
  });
});
