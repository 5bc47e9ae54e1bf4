/** Refund rules: how much may still be refunded and what a payment's status becomes. */

export type PaymentStatus = 'CAPTURED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';

export interface RefundableAmounts {
  readonly amountCents: number;
  readonly refundedCents: number;
}

export function remainingRefundableCents(payment: RefundableAmounts): number {
  return Math.max(0, payment.amountCents - payment.refundedCents);
}

export function paymentStatusFor(payment: RefundableAmounts): PaymentStatus {
  if (payment.refundedCents <= 0) return 'CAPTURED';
  return payment.refundedCents >= payment.amountCents ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
}

export type RefundDecision =
  | {
      readonly allowed: true;
      readonly amountCents: number;
      /** The payment's status once this refund is recorded, as far as this decision knows. */
      readonly statusAfter: PaymentStatus;
      /**
       * The most that may have been refunded already when the refund is recorded. The write is conditioned on it, so
       * concurrent refunds can never together exceed the amount paid.
       */
      readonly maxRefundedBefore: number;
    }
  | { readonly allowed: false; readonly requestedCents: number; readonly remainingCents: number };

/** Decides a refund of `requestedCents`, or of everything that remains when it is omitted. */
export function decideRefund(payment: RefundableAmounts, requestedCents?: number): RefundDecision {
  const remainingCents = remainingRefundableCents(payment);
  const amountCents = requestedCents ?? remainingCents;
  if (amountCents < 1 || amountCents > remainingCents) {
    return { allowed: false, requestedCents: amountCents, remainingCents };
  }
  return {
    allowed: true,
    amountCents,
    statusAfter: paymentStatusFor({
      amountCents: payment.amountCents,
      refundedCents: payment.refundedCents + amountCents,
    }),
    maxRefundedBefore: payment.amountCents - amountCents,
  };
}
