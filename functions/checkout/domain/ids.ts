import { createHash } from 'node:crypto';

/**
 * Deterministic identifiers: a repeated step computes the same id, so its conditional write finds the first attempt's
 * item instead of creating a second one.
 */
export const paymentIdFor = (checkoutId: string): string => `pay_${checkoutId}`;
export const orderIdFor = (checkoutId: string): string => `ord_${checkoutId}`;

/** The refund a failed checkout issues to give back what it charged; one per checkout. */
export const compensationRefundIdFor = (checkoutId: string): string => `ref_saga_${checkoutId}`;

/**
 * The refund an API request creates, from the caller and their Idempotency-Key: the same request sent again gets the
 * same id, and two callers can never collide. Hashed so that the id is URL-safe and of bounded length.
 */
export function requestedRefundIdFor(callerSub: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${callerSub}\u0000${idempotencyKey}`).digest('hex');
  return `ref_${digest.slice(0, 32)}`;
}
