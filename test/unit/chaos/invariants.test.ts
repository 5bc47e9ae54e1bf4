import { describe, expect, it } from 'vitest';
import { type CheckoutSagaPlan, chaosCatalog, planCheckouts } from '../../../chaos/checkout-plan.js';
import { checkInvariants, type InvariantResult, type Snapshot } from '../../../chaos/invariants.js';

const PRODUCT = { sku: 'CHAOS-PLENTY-1', name: 'p', priceCents: 1000, stock: 10 };
const plan: CheckoutSagaPlan = {
  index: 0,
  correlationId: 'chaos-t-c0',
  customer: 'c',
  cartId: 'cart-0',
  lines: [{ sku: PRODUCT.sku, quantity: 2 }],
  discountCode: undefined,
  paymentToken: 'tok_visa',
  refunds: [],
};

/** A completed checkout of 2 items for 2000 cents, everything consistent. */
function consistent(): Snapshot {
  return {
    catalog: [PRODUCT],
    products: [{ sku: PRODUCT.sku, available: 8, reserved: 0 }],
    reservations: [{ checkoutId: 'chk-0', status: 'COMMITTED' }],
    orders: [
      {
        orderId: 'ord-0',
        checkoutId: 'chk-0',
        paymentId: 'pay-0',
        status: 'PLACED',
        lines: [{ sku: PRODUCT.sku, quantity: 2 }],
        totals: { totalCents: 2000 },
        refundedCents: 500,
      },
    ],
    payments: [{ paymentId: 'pay-0', checkoutId: 'chk-0', amountCents: 2000, refundedCents: 500 }],
    refunds: [{ paymentId: 'pay-0', refundId: 'ref-0', amountCents: 500 }],
    checkouts: [{ checkoutId: 'chk-0', cartId: 'cart-0', status: 'COMPLETED' }],
    notifications: [
      { recipient: 'c', channel: 'email', eventId: 'e-1', eventType: 'OrderPlaced.v1', correlationId: 'chaos-t-c0' },
    ],
    executions: { SUCCEEDED: 1 },
    clients: [{ plan, checkoutIds: ['chk-0'], finalStatus: 'COMPLETED' }],
  };
}

function violated(results: InvariantResult[]): Record<string, string[]> {
  return Object.fromEntries(
    results
      .filter((result) => result.violations.length > 0)
      .map((result) => [result.name, result.violations.map((violation) => violation.subject)]),
  );
}

describe('chaos invariants', () => {
  it('finds nothing wrong in a consistent store', () => {
    // Act
    const results = checkInvariants(consistent());

    // Assess
    expect(violated(results)).toEqual({});
    expect(results.every((result) => result.checked > 0)).toBe(true);
  });

  it('catches stock that vanished, and stock left reserved by a saga that ended', () => {
    // Prepare
    const snapshot = {
      ...consistent(),
      products: [{ sku: PRODUCT.sku, available: 7, reserved: 0 }],
      reservations: [{ checkoutId: 'chk-0', status: 'HELD' }],
    };

    // Act
    const found = violated(checkInvariants(snapshot));

    // Assess
    expect(found['stock.conserved']).toEqual([PRODUCT.sku]);
    expect(found['stock.nothingHeld']).toEqual(['reservation chk-0']);
  });

  it('catches money kept by a failed checkout, and a capture without an order', () => {
    // Prepare
    const snapshot = {
      ...consistent(),
      products: [{ sku: PRODUCT.sku, available: 10, reserved: 0 }],
      orders: [],
      checkouts: [{ checkoutId: 'chk-0', cartId: 'cart-0', status: 'FAILED' }],
    };

    // Act
    const results = checkInvariants(snapshot);

    // Assess
    expect(violated(results)).toEqual({
      'money.balanced': ['checkout chk-0'],
      'money.noOrphanCapture': ['payment pay-0'],
    });
    expect(results.find((result) => result.name === 'money.balanced')?.violations[0]?.sagaIndex).toBe(0);
  });

  it('catches refunds beyond the capture, and a refunded sum that its refund records do not add up to', () => {
    // Prepare
    const snapshot = {
      ...consistent(),
      payments: [{ paymentId: 'pay-0', checkoutId: 'chk-0', amountCents: 2000, refundedCents: 2500 }],
    };

    // Act
    const found = violated(checkInvariants(snapshot));

    // Assess
    expect(found['money.refundsWithinCaptures']).toEqual(['payment pay-0']);
  });

  it('catches two orders for one checkout, and two checkouts for one idempotency key', () => {
    // Prepare
    const base = consistent();
    const second = { ...base.orders[0], orderId: 'ord-1' } as Snapshot['orders'][number];
    const snapshot = {
      ...base,
      orders: [...base.orders, second],
      checkouts: [...base.checkouts, { checkoutId: 'chk-1', cartId: 'cart-0', status: 'FAILED' }],
    };

    // Act
    const found = violated(checkInvariants(snapshot));

    // Assess
    expect(found['orders.onePerCompletedCheckout']).toEqual(['checkout chk-0']);
    expect(found['checkouts.onePerIdempotencyKey']).toEqual(['saga 0']);
  });

  it('catches a saga that did not end, and a customer notified twice of one event', () => {
    // Prepare
    const base = consistent();
    const snapshot = {
      ...base,
      executions: { RUNNING: 1 },
      clients: [{ plan, checkoutIds: ['chk-0'], finalStatus: 'RUNNING' as const }],
      notifications: [...base.notifications, ...base.notifications],
    };

    // Act
    const found = violated(checkInvariants(snapshot));

    // Assess
    expect(found['sagas.terminate']).toEqual(['saga 0', 'executions']);
    expect(found['notifications.atMostOnce']).toEqual(['c e-1 email']);
  });

  it('catches an outcome that never reached its customer', () => {
    // Assess
    expect(violated(checkInvariants({ ...consistent(), notifications: [] }))).toEqual({
      'notifications.delivered': ['saga 0'],
    });
  });

  it('catches an outcome announced twice under two event ids (a republished event)', () => {
    // Prepare
    const base = consistent();
    const republished = { ...base.notifications[0], eventId: 'e-2' } as Snapshot['notifications'][number];

    // Act
    const found = violated(checkInvariants({ ...base, notifications: [...base.notifications, republished] }));

    // Assess
    expect(found).toEqual({ 'notifications.oncePerOutcome': ['c OrderPlaced.v1 email chaos-t-c0'] });
  });
});

describe('chaos plan', () => {
  it('draws the same sagas from the same seed, and saga i is the same whatever the count', () => {
    // Prepare
    const catalog = chaosCatalog(100);

    // Act
    const first = planCheckouts('seed-a', 100, catalog);
    const again = planCheckouts('seed-a', 100, catalog);
    const fewer = planCheckouts('seed-a', 10, catalog);
    const other = planCheckouts('seed-b', 100, catalog);

    // Assess
    expect(again).toEqual(first);
    expect(fewer).toEqual(first.slice(0, 10));
    expect(other).not.toEqual(first);
    expect(new Set(first.map((saga) => saga.correlationId)).size).toBe(100);
  });

  it('buys only catalog products, each line once, scarce ones one at a time', () => {
    // Prepare
    const catalog = chaosCatalog(500);
    const skus = new Set(catalog.map((product) => product.sku));

    // Act
    const plans = planCheckouts('seed-c', 500, catalog);

    // Assess
    for (const saga of plans) {
      expect(saga.lines.every((line) => skus.has(line.sku))).toBe(true);
      expect(new Set(saga.lines.map((line) => line.sku)).size).toBe(saga.lines.length);
      const scarce = saga.lines.filter((line) => line.sku.startsWith('CHAOS-SCARCE'));
      expect(scarce.every((line) => line.quantity === 1)).toBe(true);
    }
    expect(plans.some((saga) => saga.paymentToken === 'tok_chargeDeclined')).toBe(true);
    expect(plans.some((saga) => saga.refunds.length > 0)).toBe(true);
  });
});
