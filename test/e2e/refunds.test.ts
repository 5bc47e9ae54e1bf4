import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  aws,
  type Caller,
  call,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  notificationsOf,
  output,
  settledCheckout,
  startCheckout,
} from './support/target.js';

/** A customer's completed checkout of `quantity` units of a product of its own at `priceCents`. */
async function completedOrder(quantity: number, priceCents: number) {
  const customer = newCustomer();
  const sku = await newProduct(10, priceCents);
  const cartId = await fillCart(customer, { [sku]: quantity });
  const accepted = await startCheckout(customer, { cartId });
  const checkout = await settledCheckout(customer, accepted.body.checkoutId);
  if (checkout.status !== 'COMPLETED' || !checkout.orderId || !checkout.totals) {
    throw new Error(`The checkout to refund did not complete: ${JSON.stringify(checkout)}`);
  }
  return {
    customer,
    checkoutId: checkout.checkoutId,
    orderId: checkout.orderId,
    totalCents: checkout.totals.totalCents,
  };
}

const supportAgent = (): Caller => newCustomer({ roles: ['support'] });

function refund(caller: Caller, orderId: string, idempotencyKey: string, body: { amountCents?: number } = {}) {
  return call('POST', `orders/${orderId}/refunds`, { caller, headers: { 'Idempotency-Key': idempotencyKey }, body });
}

const paymentKeyOf = (checkoutId: string) => `PAYMENT#pay_${checkoutId}`;

async function payment(checkoutId: string) {
  const { Item } = await aws.dynamodb.send(
    new GetCommand({
      TableName: output('PaymentsTableName'),
      Key: { pk: paymentKeyOf(checkoutId), sk: 'PAYMENT' },
      ConsistentRead: true,
    }),
  );
  return Item as { status: string; amountCents: number; refundedCents: number } | undefined;
}

/** The refund records of a payment (`REFUND#<refundId>` items in its partition). */
async function refundsOf(checkoutId: string) {
  const { Items = [] } = await aws.dynamodb.send(
    new QueryCommand({
      TableName: output('PaymentsTableName'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :refund)',
      ExpressionAttributeValues: { ':pk': paymentKeyOf(checkoutId), ':refund': 'REFUND#' },
      ConsistentRead: true,
    }),
  );
  return Items as Array<{ refundId: string; amountCents: number }>;
}

describe('refunds by support', () => {
  it('refunds a completed order in full, marks the payment REFUNDED and notifies the customer, once per key', async () => {
    // Prepare
    const order = await completedOrder(2, 3000);
    const support = supportAgent();
    const key = `refund-${randomUUID()}`;

    // Act
    const first = await refund(support, order.orderId, key);
    const repeat = await refund(support, order.orderId, key);

    // Assess
    expect(order.totalCents).toBe(6435);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      refundId: expect.stringMatching(/^ref_/),
      orderId: order.orderId,
      amountCents: 6435,
      refundedCents: 6435,
      paymentStatus: 'REFUNDED',
    });
    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual(first.body);
    expect(await payment(order.checkoutId)).toMatchObject({
      status: 'REFUNDED',
      amountCents: 6435,
      refundedCents: 6435,
    });
    expect(await refundsOf(order.checkoutId)).toEqual([
      expect.objectContaining({ refundId: first.body.refundId, amountCents: 6435 }),
    ]);
    const orderView = await call('GET', `orders/${order.orderId}`, { caller: order.customer });
    expect(orderView.body).toMatchObject({ status: 'PLACED', refundedCents: 6435 });
    const notifications = await eventually(
      () => notificationsOf(order.customer.sub),
      (items) => items.some((item) => item.eventType === 'RefundIssued.v1'),
      { what: 'the RefundIssued notification' },
    );
    const refundNotifications = notifications.filter((item) => item.eventType === 'RefundIssued.v1');
    expect(refundNotifications).toEqual([
      expect.objectContaining({ channel: 'email', subject: `Refund for order ${order.orderId}` }),
    ]);
    expect(refundNotifications[0]?.correlationId).toBe(first.headers.get('x-correlation-id'));
  });

  it('refuses to refund more than remains after a partial refund, and leaves the refunded amount as it was', async () => {
    // Prepare
    const order = await completedOrder(1, 5000);
    const support = supportAgent();
    const partialKey = `refund-${randomUUID()}`;

    // Act
    const partial = await refund(support, order.orderId, partialKey, { amountCents: 1000 });
    const afterPartial = await payment(order.checkoutId);
    const over = await refund(support, order.orderId, `refund-${randomUUID()}`, { amountCents: order.totalCents });
    const afterRefused = await payment(order.checkoutId);
    const repeatedPartial = await refund(support, order.orderId, partialKey, { amountCents: 1000 });

    // Assess
    expect(order.totalCents).toBe(5363);
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ amountCents: 1000, refundedCents: 1000, paymentStatus: 'PARTIALLY_REFUNDED' });
    expect(afterPartial).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedCents: 1000 });

    expect(over.status).toBe(422);
    expect(over.body).toEqual({
      error: {
        code: 'REFUND_EXCEEDS_BALANCE',
        message: expect.any(String),
        details: { requestedCents: 5363, remainingCents: 4363 },
        correlationId: over.headers.get('x-correlation-id'),
      },
    });
    expect(afterRefused).toEqual(afterPartial);

    expect(repeatedPartial.status).toBe(201);
    expect(repeatedPartial.body).toEqual(partial.body);
    expect(await payment(order.checkoutId)).toEqual(afterPartial);
    expect(await refundsOf(order.checkoutId)).toEqual([
      expect.objectContaining({ refundId: partial.body.refundId, amountCents: 1000 }),
    ]);
  });
});
