/**
 * No secrets or personal data in the checkout saga's state, history or logs (ADR 0029). Checkouts pay with a payment
 * token and ship to an address no other test uses, through the API and through CheckoutRequested.v1, to completion
 * and to a decline; then neither appears anywhere in the execution's history (every state's input and output) nor in
 * any line the target logged meanwhile, the customer's notifications included.
 */
import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { agentCredentials } from './support/agents.js';
import { checkoutExecutionArn, executionHistory } from './support/aws-reads.js';
import { logCursor, logLinesSince } from './support/logs.js';
import {
  aws,
  type Caller,
  call,
  channelsNotified,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  output,
  settledCheckout,
} from './support/target.js';

/**
 * Payment details found nowhere but in this test's requests: an address whose postal code is this run's own, and,
 * unless the test needs the one token that is approved, a token of its own (declined: the simulated gateway declines
 * every token it does not know, ADR 0016).
 */
function distinctiveDetails(paymentToken = `tok_secret_${randomUUID().slice(0, 12)}`) {
  const postalCode = `PC${randomUUID().slice(0, 12).toUpperCase()}`;
  return { paymentToken, shippingAddress: { country: 'US', region: 'CA', postalCode } };
}

type PaymentDetails = ReturnType<typeof distinctiveDetails>;

async function startCheckoutPaying(customer: Caller, cartId: string, details: PaymentDetails) {
  const accepted = await call('POST', 'checkouts', {
    caller: customer,
    headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    body: { cartId, ...details },
  });
  expect(accepted.status).toBe(202);
  return accepted.body.checkoutId as string;
}

/** Every event of the checkout's execution, as the SDK reads them, serialized: inputs and outputs included. */
async function historyOf(checkoutId: string): Promise<string> {
  return JSON.stringify(await executionHistory(checkoutExecutionArn(checkoutId)));
}

async function checkoutRecord(checkoutId: string) {
  const { Item } = await aws.dynamodb.send(
    new GetCommand({ TableName: output('CheckoutsTableName'), Key: { checkoutId }, ConsistentRead: true }),
  );
  return Item;
}

/** Neither detail, nor the keys that would hold them, in the history; neither detail in any log line. */
function expectNowhere(details: PaymentDetails, where: { history: string; logs: readonly string[] }) {
  const values = [details.paymentToken, details.shippingAddress.postalCode];
  for (const value of values) expect(where.history).not.toContain(value);
  expect(where.history).not.toContain('paymentToken');
  expect(where.history).not.toContain('shippingAddress');
  const leaks = where.logs.filter((line) => values.some((value) => line.includes(value)));
  expect(leaks).toEqual([]);
}

describe('checkout: no payment token or address in the saga or the logs', () => {
  it('a completed checkout keeps them on its record only, and lets the token go once charged', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(5, 2000);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const details = distinctiveDetails('tok_visa');
    const cursor = await logCursor();

    // Act
    const checkoutId = await startCheckoutPaying(customer, cartId, details);
    const checkout = await settledCheckout(customer, checkoutId);
    await channelsNotified(customer.sub, 'OrderPlaced.v1', 2);
    const history = await historyOf(checkoutId);
    const logs = await logLinesSince(cursor);

    // Assess: taxed for California (7.25 %), so PriceCart read the address from the record.
    expect(checkout.status).toBe('COMPLETED');
    expect(checkout.totals).toEqual({ subtotalCents: 2000, discountCents: 0, taxCents: 145, totalCents: 2145 });
    expect(history).toContain(checkoutId);
    expect(logs.some((line) => line.includes(checkoutId))).toBe(true);
    expectNowhere(details, { history, logs });
    // The tax location in clear, the rest of the address sealed (ADR 0040; test/e2e/personal-data.test.ts).
    const record = await checkoutRecord(checkoutId);
    expect(record?.taxLocation).toEqual({ country: 'US', region: 'CA' });
    expect(record?.personalData).toEqual(expect.any(String));
    expect(JSON.stringify(record)).not.toContain(details.shippingAddress.postalCode);
    expect(record).not.toHaveProperty('paymentToken');
  });

  it('a declined checkout compensates without them in its state, history or logs', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(5, 2000);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const details = distinctiveDetails();
    const cursor = await logCursor();

    // Act
    const checkoutId = await startCheckoutPaying(customer, cartId, details);
    const checkout = await settledCheckout(customer, checkoutId);
    await channelsNotified(customer.sub, 'CheckoutFailed.v1', 2);
    const history = await historyOf(checkoutId);
    const logs = await logLinesSince(cursor);

    // Assess: declined at ProcessPayment, which charged the token the record held.
    expect(checkout.status).toBe('FAILED');
    expect(checkout.failure?.code).toBe('PAYMENT_DECLINED');
    expect(checkout.steps.map((step) => step.name)).toContain('RefundPayment');
    expect(history).toContain(checkoutId);
    expect(logs.some((line) => line.includes(checkoutId))).toBe(true);
    expectNowhere(details, { history, logs });
    expect(await checkoutRecord(checkoutId)).not.toHaveProperty('paymentToken');
  });

  it('a checkout an agent requests by event carries them in the request only, and logs neither', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(5, 2000);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const details = distinctiveDetails('tok_visa');
    const idempotencyKey = `agent-${randomUUID()}`;
    const cursor = await logCursor();

    // Act
    const put = await aws.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: output('EventBusName'),
            Source: 'sagastack.agents',
            DetailType: 'CheckoutRequested.v1',
            Detail: JSON.stringify({
              metadata: { correlationId: `agent-corr-${randomUUID()}`, occurredAt: new Date().toISOString() },
              data: {
                idempotencyKey,
                customerId: customer.sub,
                tenantId: customer.tenant,
                cartId,
                ...details,
                // The tenant's checkout agent: a service account's token and the proof naming it (docs/adr/0038 §8).
                ...(await agentCredentials(customer, idempotencyKey)),
              },
            }),
          },
        ],
      }),
    );
    const [started] = await eventually(
      () => checkoutsOfCart(cartId),
      (items) => items.length > 0,
      { what: `a checkout of cart ${cartId}` },
    );
    const checkoutId = String(started?.checkoutId);
    const checkout = await settledCheckout(customer, checkoutId);
    await channelsNotified(customer.sub, 'OrderPlaced.v1', 2);
    const history = await historyOf(checkoutId);
    const logs = await logLinesSince(cursor);

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    expect(checkout.status).toBe('COMPLETED');
    expect(history).toContain(checkoutId);
    expect(logs.some((line) => line.includes(checkoutId))).toBe(true);
    expectNowhere(details, { history, logs });
  });
});

/** The checkouts recorded for a cart: an event's checkout id is found only this way. */
async function checkoutsOfCart(cartId: string) {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await aws.dynamodb.send(
      new ScanCommand({
        TableName: output('CheckoutsTableName'),
        FilterExpression: 'cartId = :cartId',
        ExpressionAttributeValues: { ':cartId': cartId },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as Array<Record<string, unknown>>));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
