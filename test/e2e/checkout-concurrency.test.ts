import { describe, expect, it } from 'vitest';
import {
  type Caller,
  call,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  notificationsOf,
  product,
  settledCheckout,
  startCheckout,
} from './support/target.js';

const CUSTOMERS = 20;
const STOCK = 5;

describe('checkout: concurrency', () => {
  it(`${CUSTOMERS} concurrent checkouts of a product with stock ${STOCK} sell exactly ${STOCK}, and stock never goes negative`, async () => {
    // Prepare
    const sku = await newProduct(STOCK, 1500);
    const shoppers: Array<{ customer: Caller; cartId: string }> = [];
    for (let index = 0; index < CUSTOMERS; index += 1) {
      const customer = newCustomer();
      shoppers.push({ customer, cartId: await fillCart(customer, { [sku]: 1 }) });
    }

    // Act: every checkout at once, while the product's stock is sampled until all of them have settled.
    let settledCount = 0;
    const run = Promise.all(
      shoppers.map(async ({ customer, cartId }) => {
        const accepted = await startCheckout(customer, { cartId });
        if (accepted.status !== 202) throw new Error(`Checkout refused: ${accepted.status} ${accepted.text}`);
        const checkout = await settledCheckout(customer, accepted.body.checkoutId, 90_000);
        settledCount += 1;
        return { customer, accepted, checkout };
      }),
    );
    // A failed checkout must stop the sampling too, or it would wait for its timeout instead of reporting the error.
    run.catch(() => {
      settledCount = Number.POSITIVE_INFINITY;
    });
    const samples: Array<{ available: number; reserved: number }> = [];
    await eventually(
      async () => {
        const current = await product(sku);
        if (current) samples.push({ available: current.available, reserved: current.reserved });
        return settledCount;
      },
      (count) => count >= CUSTOMERS,
      { timeoutMs: 100_000, intervalMs: 50, what: 'every checkout to settle' },
    );
    const results = await run;

    // Assess
    expect(results.map(({ accepted }) => accepted.status)).toEqual(Array(CUSTOMERS).fill(202));
    const completed = results.filter(({ checkout }) => checkout.status === 'COMPLETED');
    const failed = results.filter(({ checkout }) => checkout.status === 'FAILED');
    expect(completed).toHaveLength(STOCK);
    expect(failed).toHaveLength(CUSTOMERS - STOCK);
    expect(failed.map(({ checkout }) => checkout.failure?.code)).toEqual(Array(CUSTOMERS - STOCK).fill('OUT_OF_STOCK'));

    expect(await product(sku)).toMatchObject({ available: 0, reserved: 0 });
    // Sampled while the checkouts ran: the shelf never held less than nothing, nor more than it started with.
    expect(samples.length).toBeGreaterThan(1);
    for (const sample of samples) {
      expect(sample.available).toBeGreaterThanOrEqual(0);
      expect(sample.reserved).toBeGreaterThanOrEqual(0);
      expect(sample.available + sample.reserved).toBeLessThanOrEqual(STOCK);
    }

    // Each completed checkout placed its own order of one unit.
    const orders = await Promise.all(
      completed.map(({ customer, checkout }) => call('GET', `orders/${checkout.orderId}`, { caller: customer })),
    );
    expect(orders.map((order) => order.status)).toEqual(Array(STOCK).fill(200));
    expect(orders.map((order) => order.body.lines)).toEqual(
      Array(STOCK).fill([expect.objectContaining({ sku, quantity: 1 })]),
    );

    // Every customer is told their own outcome (waiting for it also drains this test's notification queue tail).
    const told = await Promise.all(
      results.map(async ({ customer, checkout }) => {
        const eventType = checkout.status === 'COMPLETED' ? 'OrderPlaced.v1' : 'CheckoutFailed.v1';
        const notifications = await eventually(
          () => notificationsOf(customer.sub),
          (items) => items.some((item) => item.eventType === eventType),
          { timeoutMs: 60_000, what: `the ${eventType} notification of ${customer.sub}` },
        );
        return notifications.map((item) => item.eventType);
      }),
    );
    expect(told.filter((types) => types.includes('OrderPlaced.v1'))).toHaveLength(STOCK);
    expect(told.filter((types) => types.includes('CheckoutFailed.v1'))).toHaveLength(CUSTOMERS - STOCK);
  });
});
