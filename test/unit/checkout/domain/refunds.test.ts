import { describe, expect, it } from 'vitest';
import { cartView, isOwnedBy, linesOf } from '../../../../functions/checkout/domain/carts.js';
import {
  compensationRefundIdFor,
  orderIdFor,
  paymentIdFor,
  requestedRefundIdFor,
} from '../../../../functions/checkout/domain/ids.js';
import {
  decideRefund,
  paymentStatusFor,
  remainingRefundableCents,
} from '../../../../functions/checkout/domain/refunds.js';
import { Identifier } from '../../../../shared/contracts/common.js';

describe('refund rules', () => {
  it('knows what remains refundable', () => {
    // Assess
    expect(remainingRefundableCents({ amountCents: 1000, refundedCents: 300 })).toBe(700);
    expect(remainingRefundableCents({ amountCents: 1000, refundedCents: 1000 })).toBe(0);
  });

  it.each([
    [0, 'CAPTURED'],
    [1, 'PARTIALLY_REFUNDED'],
    [999, 'PARTIALLY_REFUNDED'],
    [1000, 'REFUNDED'],
  ])('a 1000-cent payment with %d refunded is %s', (refundedCents, status) => {
    // Assess
    expect(paymentStatusFor({ amountCents: 1000, refundedCents })).toBe(status);
  });

  it('refunds everything that remains when no amount is given', () => {
    // Act
    const decision = decideRefund({ amountCents: 1000, refundedCents: 400 });

    // Assess
    expect(decision).toEqual({ allowed: true, amountCents: 600, statusAfter: 'REFUNDED', maxRefundedBefore: 400 });
  });

  it('allows a partial refund and conditions it on the balance', () => {
    // Act
    const decision = decideRefund({ amountCents: 1000, refundedCents: 0 }, 250);

    // Assess
    expect(decision).toEqual({
      allowed: true,
      amountCents: 250,
      statusAfter: 'PARTIALLY_REFUNDED',
      maxRefundedBefore: 750,
    });
  });

  it('refuses more than remains', () => {
    // Act
    const decision = decideRefund({ amountCents: 1000, refundedCents: 800 }, 201);

    // Assess
    expect(decision).toEqual({ allowed: false, requestedCents: 201, remainingCents: 200 });
  });

  it('refuses a full refund of a payment already refunded in full', () => {
    // Assess
    expect(decideRefund({ amountCents: 1000, refundedCents: 1000 })).toEqual({
      allowed: false,
      requestedCents: 0,
      remainingCents: 0,
    });
  });
});

describe('identifiers', () => {
  it('derives payment, order and compensation refund ids from the checkout', () => {
    // Assess
    expect(paymentIdFor('chk_1')).toBe('pay_chk_1');
    expect(orderIdFor('chk_1')).toBe('ord_chk_1');
    expect(compensationRefundIdFor('chk_1')).toBe('ref_saga_chk_1');
  });

  it('derives a stable, valid refund id per caller and key', () => {
    // Act
    const first = requestedRefundIdFor('agent-sam', 'key-00000001');

    // Assess
    expect(requestedRefundIdFor('agent-sam', 'key-00000001')).toBe(first);
    expect(requestedRefundIdFor('agent-zoe', 'key-00000001')).not.toBe(first);
    expect(requestedRefundIdFor('agent-sam', 'key-00000002')).not.toBe(first);
    expect(Identifier.safeParse(first).success).toBe(true);
  });
});

describe('carts', () => {
  const cart = {
    cartId: 'cart-1',
    ownerSub: 'user-ada',
    tenantId: 'tenant-a',
    items: { 'SKU-B': { quantity: 2 }, 'SKU-A': { quantity: 1 }, 'SKU-GONE': { quantity: 1 } },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('belongs to its subject within its tenant only', () => {
    // Assess
    expect(isOwnedBy(cart, { ownerSub: 'user-ada', tenantId: 'tenant-a' })).toBe(true);
    expect(isOwnedBy(cart, { ownerSub: 'user-bob', tenantId: 'tenant-a' })).toBe(false);
    expect(isOwnedBy(cart, { ownerSub: 'user-ada', tenantId: 'tenant-b' })).toBe(false);
  });

  it('lists its lines sorted by SKU', () => {
    // Assess
    expect(linesOf(cart).map((line) => line.sku)).toEqual(['SKU-A', 'SKU-B', 'SKU-GONE']);
  });

  it('shows current prices and the subtotal, leaving out products that left the catalog', () => {
    // Prepare
    const products = new Map([
      ['SKU-A', { sku: 'SKU-A', name: 'A', priceCents: 1000 }],
      ['SKU-B', { sku: 'SKU-B', name: 'B', priceCents: 250 }],
    ]);

    // Act
    const view = cartView(cart, products);

    // Assess
    expect(view).toEqual({
      cartId: 'cart-1',
      items: [
        { sku: 'SKU-A', quantity: 1, unitPriceCents: 1000, name: 'A' },
        { sku: 'SKU-B', quantity: 2, unitPriceCents: 250, name: 'B' },
      ],
      subtotalCents: 1500,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
