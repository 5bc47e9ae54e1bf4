import { describe, expect, it } from 'vitest';
import type { CheckoutSagaPlan } from '../../../chaos/checkout-plan.js';
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
    providerCharges: [{ checkoutId: 'chk-0', amountCents: 2000 }],
    providerRefunds: [{ checkoutId: 'chk-0', refundId: 'ref-0', amountCents: 500 }],
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

  it('finds the provider in agreement when a charge whose answer was lost was recorded and refunded', () => {
    // Prepare: a failed checkout whose charge the provider made, its answer lost; the compensation found it,
    // recorded it and refunded it in full, on both sides.
    const snapshot = {
      ...consistent(),
      products: [{ sku: PRODUCT.sku, available: 10, reserved: 0 }],
      orders: [],
      payments: [{ paymentId: 'pay-0', checkoutId: 'chk-0', amountCents: 2000, refundedCents: 2000 }],
      refunds: [{ paymentId: 'pay-0', refundId: 'ref_saga_chk-0', amountCents: 2000 }],
      providerRefunds: [{ checkoutId: 'chk-0', refundId: 'ref_saga_chk-0', amountCents: 2000 }],
      checkouts: [{ checkoutId: 'chk-0', cartId: 'cart-0', status: 'FAILED' }],
      notifications: [
        {
          recipient: 'c',
          channel: 'email',
          eventId: 'e-1',
          eventType: 'CheckoutFailed.v1',
          correlationId: 'chaos-t-c0',
        },
      ],
      clients: [{ plan, checkoutIds: ['chk-0'], finalStatus: 'FAILED' as const }],
    };

    // Act
    const results = checkInvariants(snapshot);

    // Assess
    expect(violated(results)).toEqual({});
    expect(results.find((result) => result.name === 'money.providerAgrees')?.checked).toBe(1);
  });

  it('catches a charge the provider kept that we never recorded (its answer was lost)', () => {
    // Prepare: the provider charged a checkout that failed; our books hold no payment, so nothing was refunded.
    const snapshot = {
      ...consistent(),
      products: [{ sku: PRODUCT.sku, available: 10, reserved: 0 }],
      orders: [],
      payments: [],
      refunds: [],
      providerRefunds: [],
      checkouts: [{ checkoutId: 'chk-0', cartId: 'cart-0', status: 'FAILED' }],
    };

    // Act
    const results = checkInvariants(snapshot);

    // Assess: our own books balance (nothing captured, nothing owed); only the provider's view shows the money.
    expect(violated(results)).toMatchObject({ 'money.providerAgrees': ['checkout chk-0'] });
    expect(violated(results)['money.balanced']).toBeUndefined();
    const violation = results.find((result) => result.name === 'money.providerAgrees')?.violations[0];
    expect(violation?.detail).toBe(
      'the provider captured 2000 and refunded 0 cents; we recorded 0 captured and 0 refunded',
    );
    expect(violation?.sagaIndex).toBe(0);
  });

  it('catches a refund we recorded that the provider never made, and a second charge at the provider', () => {
    // Prepare
    const base = consistent();
    const refundNeverMade = { ...base, providerRefunds: [] };
    const chargedTwice = {
      ...base,
      providerCharges: [...base.providerCharges, { checkoutId: 'chk-0', amountCents: 2000 }],
    };

    // Act
    const missingRefund = violated(checkInvariants(refundNeverMade));
    const doubleCharge = violated(checkInvariants(chargedTwice));

    // Assess
    expect(missingRefund).toEqual({ 'money.providerAgrees': ['checkout chk-0'] });
    expect(doubleCharge).toEqual({ 'money.providerAgrees': ['checkout chk-0'] });
  });

  it('leaves out a checkout still running: the provider’s answer may be on its way to our books', () => {
    // Prepare: the provider charged; our record of the payment is not written yet.
    const snapshot = {
      ...consistent(),
      payments: [],
      refunds: [],
      checkouts: [{ checkoutId: 'chk-0', cartId: 'cart-0', status: 'RUNNING' }],
    };

    // Act
    const found = violated(checkInvariants(snapshot));

    // Assess
    expect(found['money.providerAgrees']).toBeUndefined();
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
