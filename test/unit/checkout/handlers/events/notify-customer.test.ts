import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/checkout/handlers/events/notify-customer.js';
import { logger } from '../../../../../shared/powertools/index.js';
import { envelope, lambdaContext, PRICING, sqsBatch } from '../../checkouts-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    NOTIFICATIONS_TABLE_NAME: 'notifications-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);

const orderPlaced = envelope(
  'OrderPlaced.v1',
  {
    orderId: 'ord_chk_1',
    checkoutId: 'chk_1',
    customerId: 'user-ada',
    tenantId: 'tenant-a',
    lines: PRICING.lines,
    totals: PRICING.totals,
  },
  { id: 'evt-order', source: 'sagastack.checkout' },
);

const checkoutFailed = envelope(
  'CheckoutFailed.v1',
  {
    checkoutId: 'chk_2',
    customerId: 'user-bob',
    tenantId: 'tenant-a',
    code: 'PAYMENT_DECLINED',
    message: 'The payment was declined: insufficient funds',
  },
  { id: 'evt-failed', source: 'sagastack.checkout', time: '2026-01-02T03:04:06Z' },
);

const refundIssued = envelope(
  'RefundIssued.v1',
  {
    refundId: 'ref_1',
    orderId: 'ord_chk_1',
    paymentId: 'pay_chk_1',
    customerId: 'user-ada',
    amountCents: 2999,
    refundedCents: 2999,
  },
  { id: 'evt-refund', source: 'sagastack.checkout', time: '2026-01-03T00:00:00Z' },
);

const putItems = () => dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item);

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('notify-customer consumer', () => {
  it('records an e-mail and a push for OrderPlaced.v1, keyed by event time, channel and event id', async () => {
    // Act
    const response = await handler(sqsBatch(orderPlaced), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const calls = dynamo.commandCalls(PutCommand);
    expect(calls.map((call) => call.args[0].input.ConditionExpression)).toEqual([
      'attribute_not_exists(sk)',
      'attribute_not_exists(sk)',
    ]);
    expect(calls[0]?.args[0].input.TableName).toBe('notifications-table');
    expect(putItems()).toEqual([
      expect.objectContaining({
        recipient: 'user-ada',
        sk: '2026-01-02T03:04:05Z#email#evt-order',
        channel: 'email',
        eventType: 'OrderPlaced.v1',
        eventId: 'evt-order',
        subject: 'Order ord_chk_1 confirmed',
        body: expect.stringContaining('Total: $160.84'),
        correlationId: 'corr-event-0001',
        sentAt: '2026-01-02T03:04:05Z',
      }),
      expect.objectContaining({ sk: '2026-01-02T03:04:05Z#push#evt-order', channel: 'push' }),
    ]);
  });

  it('records an e-mail and an SMS for CheckoutFailed.v1', async () => {
    // Act
    const response = await handler(sqsBatch(checkoutFailed), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(putItems().map((item) => [item?.recipient, item?.channel, item?.sk])).toEqual([
      ['user-bob', 'email', '2026-01-02T03:04:06Z#email#evt-failed'],
      ['user-bob', 'sms', '2026-01-02T03:04:06Z#sms#evt-failed'],
    ]);
    expect(putItems()[0]?.body).toContain('insufficient funds');
  });

  it('records an e-mail for RefundIssued.v1', async () => {
    // Act
    const response = await handler(sqsBatch(refundIssued), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(putItems()).toEqual([
      expect.objectContaining({
        channel: 'email',
        subject: 'Refund for order ord_chk_1',
        eventType: 'RefundIssued.v1',
      }),
    ]);
  });

  it('fails only the malformed records of a batch (partial batch response)', async () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const unknownType = envelope('OrderShipped.v1', { orderId: 'ord_1' }, { id: 'evt-unknown' });
    const badData = envelope('RefundIssued.v1', { refundId: 'ref_1' }, { id: 'evt-bad' });

    // Act
    const response = await handler(
      sqsBatch(orderPlaced, '{not json', unknownType, badData, refundIssued),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'msg-2' },
      { itemIdentifier: 'msg-3' },
      { itemIdentifier: 'msg-4' },
    ]);
    // Records are processed concurrently, so the order of the writes is not fixed.
    expect(
      putItems()
        .map((item) => `${item?.eventId}#${item?.channel}`)
        .sort(),
    ).toEqual(['evt-order#email', 'evt-order#push', 'evt-refund#email']);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Notification event refused'),
      expect.objectContaining({ eventId: 'evt-unknown', detailType: 'OrderShipped.v1' }),
    );
  });

  it('treats a notification already recorded as sent, so a redelivered event notifies nobody twice', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));

    // Act
    const response = await handler(sqsBatch(orderPlaced, refundIssued), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
  });

  it('fails a record whose notification cannot be recorded, so it is retried', async () => {
    // Prepare
    dynamo.on(PutCommand, { Item: { eventId: 'evt-refund' } }).rejects(new Error('Rate exceeded'));

    // Act
    const response = await handler(sqsBatch(orderPlaced, refundIssued), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-2' }]);
  });
});
