import { describe, expect, it } from 'vitest';
import {
  decideRefund,
  paymentStatusFor,
  remainingRefundableCents,
} from '../../../../functions/checkout/domain/refunds.js';

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
