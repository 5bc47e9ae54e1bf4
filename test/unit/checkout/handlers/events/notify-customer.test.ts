import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { kmsPersonalDataCipher } from '../../../../../functions/checkout/adapters/kms-personal-data-cipher.js';
import { handler } from '../../../../../functions/checkout/handlers/events/notify-customer.js';
import type { CustomerContact } from '../../../../../shared/contracts/common.js';
import { logger } from '../../../../../shared/powertools/index.js';
import { envelope, lambdaContext, PRICING, sqsBatch } from '../../checkouts-harness.js';
import { resetFakeKms } from '../../personal-data-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    NOTIFICATIONS_TABLE_NAME: 'notifications-table',
    CHECKOUTS_TABLE_NAME: 'checkouts-table',
    ORDERS_TABLE_NAME: 'orders-table',
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

const ADA_CONTACT = { email: 'ada.notify@example.test' };
const BOB_CONTACT = { email: 'bob.notify@example.test', phone: '+14155550142' };
const ADDRESS = { country: 'US', region: 'CA', postalCode: '94105' };

/** A checkout record whose contact is sealed for it, as StartCheckout writes it. */
async function checkoutRecord(checkoutId: string, customerId: string, contact?: CustomerContact) {
  const personalData = await kmsPersonalDataCipher().seal(
    { shippingAddress: ADDRESS, ...(contact ? { contact } : {}) },
    { tenantId: 'tenant-a', checkoutId },
  );
  return { checkoutId, customerId, tenantId: 'tenant-a', personalData };
}

beforeEach(async () => {
  dynamo.reset();
  resetFakeKms();
  dynamo.on(PutCommand).resolves({});
  dynamo
    .on(GetCommand, { TableName: 'checkouts-table', Key: { checkoutId: 'chk_1' } })
    .resolves({ Item: await checkoutRecord('chk_1', 'user-ada', ADA_CONTACT) });
  dynamo
    .on(GetCommand, { TableName: 'checkouts-table', Key: { checkoutId: 'chk_2' } })
    .resolves({ Item: await checkoutRecord('chk_2', 'user-bob', BOB_CONTACT) });
  dynamo
    .on(GetCommand, { TableName: 'orders-table', Key: { orderId: 'ord_chk_1' } })
    .resolves({ Item: { orderId: 'ord_chk_1', checkoutId: 'chk_1', customerId: 'user-ada', tenantId: 'tenant-a' } });
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

  it('sends to the contact opened from the checkout, and records only a masked address', async () => {
    // Act
    const response = await handler(sqsBatch(orderPlaced, checkoutFailed, refundIssued), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const delivered = putItems()
      .map((item) => `${item?.eventId}#${item?.channel}#${item?.deliveredTo ?? '-'}`)
      .sort();
    expect(delivered).toEqual([
      'evt-failed#email#b***@example.test',
      'evt-failed#sms#+*******0142',
      'evt-order#email#a***@example.test',
      'evt-order#push#-',
      // The refunded order leads to its checkout, and so to the contact.
      'evt-refund#email#a***@example.test',
    ]);
    const stored = JSON.stringify(putItems());
    for (const value of [ADA_CONTACT.email, BOB_CONTACT.email, BOB_CONTACT.phone]) expect(stored).not.toContain(value);
  });

  it('notifies by customer id alone when the checkout holds no contact', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { TableName: 'checkouts-table', Key: { checkoutId: 'chk_1' } })
      .resolves({ Item: await checkoutRecord('chk_1', 'user-ada') });

    // Act
    const response = await handler(sqsBatch(orderPlaced), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(putItems().map((item) => [item?.recipient, item?.channel, item?.deliveredTo])).toEqual([
      ['user-ada', 'email', undefined],
      ['user-ada', 'push', undefined],
    ]);
  });

  it('fails, and so retries, a record whose checkout belongs to another customer', async () => {
    // Prepare: the event names Ada, the checkout Bob.
    dynamo
      .on(GetCommand, { TableName: 'checkouts-table', Key: { checkoutId: 'chk_1' } })
      .resolves({ Item: await checkoutRecord('chk_1', 'user-bob', BOB_CONTACT) });

    // Act
    const response = await handler(sqsBatch(orderPlaced), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(putItems()).toEqual([]);
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
