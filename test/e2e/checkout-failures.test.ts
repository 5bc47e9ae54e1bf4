import { DescribeExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { checkoutExecutionArn, executionHistory } from './support/aws-reads.js';
import {
  aws,
  type Caller,
  call,
  channelsNotified,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  notificationsOf,
  output,
  product,
  settledCheckout,
  startCheckout,
} from './support/target.js';

/**
 * The checkout's view once its saga has ended. The record settles as soon as CompleteCheckout or FailCheckout wrote it,
 * while the saga still publishes the outcome event; the steps are only final when the execution is.
 */
async function finishedCheckout(customer: Caller, checkoutId: string) {
  await eventually(
    () => aws.sfn.send(new DescribeExecutionCommand({ executionArn: checkoutExecutionArn(checkoutId) })),
    (execution) => execution.status !== 'RUNNING',
    { what: `the saga of ${checkoutId} to end` },
  );
  return settledCheckout(customer, checkoutId);
}

/** The payment of a checkout and its refunds: they share the partition `PAYMENT#pay_<checkoutId>`. */
async function paymentItemsOf(checkoutId: string) {
  const result = await aws.dynamodb.send(
    new QueryCommand({
      TableName: output('PaymentsTableName'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PAYMENT#pay_${checkoutId}` },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

/** Sets a product's available stock behind the API's back, as a concurrent sale would. */
async function setAvailable(sku: string, available: number): Promise<void> {
  await aws.dynamodb.send(
    new UpdateCommand({
      TableName: output('CatalogTableName'),
      Key: { sku },
      UpdateExpression: 'SET available = :available',
      ExpressionAttributeValues: { ':available': available },
    }),
  );
}

const LAMBDA_SCHEDULED = new Set(['TaskScheduled', 'LambdaFunctionScheduled']);
const LAMBDA_FAILED = new Set(['TaskFailed', 'LambdaFunctionFailed', 'TaskTimedOut', 'LambdaFunctionTimedOut']);

/** The history events of Task attempts, each with the name of the state it belongs to (the last state entered). */
function taskEventsByState(history: readonly HistoryEvent[]) {
  const attempts: Array<{ state: string; type: string; error?: string }> = [];
  let state = '';
  for (const event of [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0))) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) state = event.stateEnteredEventDetails?.name ?? '';
    else if (LAMBDA_SCHEDULED.has(type)) attempts.push({ state, type: 'scheduled' });
    else if (LAMBDA_FAILED.has(type)) {
      const error = event.taskFailedEventDetails?.error ?? event.lambdaFunctionFailedEventDetails?.error;
      attempts.push({ state, type: 'failed', ...(error ? { error } : {}) });
    }
  }
  return attempts;
}

describe('checkout: failures', () => {
  it('a declined payment fails the checkout, restores the stock exactly, places no order and notifies the customer', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 4999);
    const cartId = await fillCart(customer, { [sku]: 3 });
    const before = await product(sku);

    // Act
    const accepted = await startCheckout(customer, { cartId, paymentToken: 'tok_chargeDeclined' });
    const checkout = await finishedCheckout(customer, accepted.body.checkoutId);

    // Assess
    expect(accepted.status).toBe(202);
    expect(checkout.status).toBe('FAILED');
    expect(checkout.failure).toEqual({ code: 'PAYMENT_DECLINED', message: 'The payment was declined: card declined' });
    expect(before).toMatchObject({ available: 10, reserved: 0 });
    expect(await product(sku)).toMatchObject({ available: before?.available, reserved: before?.reserved });

    const order = await call('GET', `orders/ord_${checkout.checkoutId}`, { caller: customer });
    expect(order.status).toBe(404);
    expect(order.body.error.code).toBe('NOT_FOUND');
    expect(await paymentItemsOf(checkout.checkoutId)).toEqual([]);

    expect(checkout.steps.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'PriceCart', status: 'SUCCEEDED' },
      { name: 'ReserveInventory', status: 'SUCCEEDED' },
      { name: 'ProcessPayment', status: 'FAILED' },
      // The failed step's own compensation runs first (a no-op here: nothing was charged), then the earlier ones'.
      { name: 'RefundPayment', status: 'SUCCEEDED' },
      { name: 'ReleaseInventory', status: 'SUCCEEDED' },
      { name: 'FailCheckout', status: 'SUCCEEDED' },
      { name: 'PublishCheckoutFailed', status: 'SUCCEEDED' },
    ]);

    const notifications = await eventually(
      () => notificationsOf(customer.sub),
      // Each event goes out on two channels, written one after the other: wait for both.
      (items) => items.filter((item) => item.eventType === 'CheckoutFailed.v1').length >= 2,
      { what: 'the CheckoutFailed notification' },
    );
    const failedNotices = notifications.filter((item) => item.eventType === 'CheckoutFailed.v1');
    expect(failedNotices.map((item) => item.channel).sort()).toEqual(['email', 'sms']);
    expect(failedNotices.every((item) => item.correlationId === accepted.headers.get('x-correlation-id'))).toBe(true);
    expect(notifications.some((item) => item.eventType === 'OrderPlaced.v1')).toBe(false);
  });

  it('a cart with two products short fails OUT_OF_STOCK naming both, without attempting a payment', async () => {
    // Prepare
    const customer = newCustomer();
    const shortA = await newProduct(5, 1500);
    const shortB = await newProduct(5, 2500);
    const plenty = await newProduct(5, 500);
    const cartId = await fillCart(customer, { [shortA]: 3, [shortB]: 4, [plenty]: 1 });
    // Stock runs low after the items went into the cart (the cart only checks stock when an item is put).
    await setAvailable(shortA, 2);
    await setAvailable(shortB, 1);

    // Act
    const accepted = await startCheckout(customer, { cartId });
    const checkout = await finishedCheckout(customer, accepted.body.checkoutId);

    // Assess
    expect(accepted.status).toBe(202);
    expect(checkout.status).toBe('FAILED');
    expect(checkout.failure?.code).toBe('OUT_OF_STOCK');
    expect(checkout.failure?.message).toContain(shortA);
    expect(checkout.failure?.message).toContain(shortB);
    expect(checkout.failure?.message).not.toContain(plenty);

    const stepNames = checkout.steps.map((step) => step.name);
    expect(stepNames).not.toContain('ProcessPayment');
    expect(checkout.steps.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'PriceCart', status: 'SUCCEEDED' },
      { name: 'ReserveInventory', status: 'FAILED' },
      // Its own compensation runs (and finds nothing held): the reservation was all or nothing.
      { name: 'ReleaseInventory', status: 'SUCCEEDED' },
      { name: 'FailCheckout', status: 'SUCCEEDED' },
      { name: 'PublishCheckoutFailed', status: 'SUCCEEDED' },
    ]);
    expect(await paymentItemsOf(checkout.checkoutId)).toEqual([]);

    // The reservation is all or nothing: not even the product in stock moved.
    expect(await product(shortA)).toMatchObject({ available: 2, reserved: 0 });
    expect(await product(shortB)).toMatchObject({ available: 1, reserved: 0 });
    expect(await product(plenty)).toMatchObject({ available: 5, reserved: 0 });
    const order = await call('GET', `orders/ord_${checkout.checkoutId}`, { caller: customer });
    expect(order.status).toBe(404);
    expect(await channelsNotified(customer.sub, 'CheckoutFailed.v1', 2)).toEqual(['email', 'sms']);
  });

  it('a transient gateway error is retried and the checkout completes', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 1999);
    const cartId = await fillCart(customer, { [sku]: 2 });

    // Act
    const accepted = await startCheckout(customer, { cartId, paymentToken: 'tok_transientError' });
    const checkout = await finishedCheckout(customer, accepted.body.checkoutId);
    const history = await executionHistory(checkoutExecutionArn(checkout.checkoutId));

    // Assess
    expect(accepted.status).toBe(202);
    expect(checkout.status).toBe('COMPLETED');
    expect(checkout.orderId).toBe(`ord_${checkout.checkoutId}`);
    expect(checkout.steps.filter((step) => step.name === 'ProcessPayment').map((step) => step.status)).toEqual([
      'RETRIED',
      'SUCCEEDED',
    ]);
    expect(checkout.steps.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'PriceCart', status: 'SUCCEEDED' },
      { name: 'ReserveInventory', status: 'SUCCEEDED' },
      { name: 'ProcessPayment', status: 'RETRIED' },
      { name: 'ProcessPayment', status: 'SUCCEEDED' },
      { name: 'CreateOrder', status: 'SUCCEEDED' },
      { name: 'ClearCart', status: 'SUCCEEDED' },
      { name: 'CompleteCheckout', status: 'SUCCEEDED' },
      { name: 'PublishOrderPlaced', status: 'SUCCEEDED' },
    ]);

    // The execution history itself shows the retry: scheduled, failed with the gateway's error, scheduled again.
    expect(taskEventsByState(history).filter((event) => event.state === 'ProcessPayment')).toEqual([
      { state: 'ProcessPayment', type: 'scheduled' },
      { state: 'ProcessPayment', type: 'failed', error: 'PaymentGatewayUnavailableError' },
      { state: 'ProcessPayment', type: 'scheduled' },
    ]);

    // Charged once: one payment, of the order's total, and the stock taken exactly once.
    const payments = await paymentItemsOf(checkout.checkoutId);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'CAPTURED', amountCents: checkout.totals?.totalCents });
    expect(await product(sku)).toMatchObject({ available: 8, reserved: 0 });
    expect(await channelsNotified(customer.sub, 'OrderPlaced.v1', 2)).toEqual(['email', 'push']);
  });
});
