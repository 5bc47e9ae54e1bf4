/**
 * What a saga step reads of the checkout itself rather than of the saga's state: the payment token and the tax
 * location, which the state never carries because its history shows every state to whoever may read the saga
 * (docs/adr/0029-saga-state-carries-ids-not-secrets.md).
 */
import type { TaxLocation } from '../../../shared/contracts/common.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { CheckoutReader } from '../ports/checkouts.js';

interface CheckoutDetails {
  readonly paymentToken: string;
  readonly taxLocation: TaxLocation;
}

const DETAIL_NAMES: Record<keyof CheckoutDetails, string> = {
  paymentToken: 'payment token',
  taxLocation: 'tax location',
};

/**
 * The detail as the checkout record holds it. A checkout without one is a saga that cannot go on, and not the
 * customer's doing: its record is gone, it was written before ADR 0029 (no fallback to the state, the ADR says why)
 * or before ADR 0040 (no tax location), or it settled and let its token go. The `NotFoundError` ends the saga as INTERNAL, compensated and alarmed.
 */
export async function checkoutDetail<TDetail extends keyof CheckoutDetails>(
  checkouts: CheckoutReader,
  checkoutId: string,
  detail: TDetail,
): Promise<CheckoutDetails[TDetail]> {
  const record = await checkouts.find(checkoutId);
  if (!record) throw new NotFoundError('Checkout', checkoutId);
  const value = record[detail];
  if (value === undefined) throw new NotFoundError(`The ${DETAIL_NAMES[detail]} of checkout`, checkoutId);
  return value as CheckoutDetails[TDetail];
}
