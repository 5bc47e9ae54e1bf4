/**
 * A checkout's id derives from the request that started it: the customer-scoped idempotency key. A client retrying
 * after a lost answer or a failure half-way (the record written, the saga not started) computes the same id, so the
 * retry resumes that checkout instead of starting a second one for the same key (docs/adr/0014-checkout-ids-derive-from-the-idempotency-key.md).
 *
 * `chk_` then 26 characters of Crockford's base 32 taken from a SHA-256 of the key: the id is also the Step Functions
 * execution name (so it stays within the name's alphabet and 80-character limit) and the seed of `pay_<checkoutId>`
 * and `ord_<checkoutId>`. Ids do not sort by creation time; records carry `createdAt` for that.
 */
import { createHash } from 'node:crypto';

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_LENGTH = 26;

const CHECKOUT_ID_PREFIX = 'chk_';
export const CHECKOUT_ID_PATTERN = /^chk_[0-9A-HJKMNP-TV-Z]{26}$/;

/** @param scopedIdempotencyKey `<customer>:<Idempotency-Key>`: two customers may pick the same key. */
export function checkoutIdFor(scopedIdempotencyKey: string): string {
  if (scopedIdempotencyKey.length === 0) throw new RangeError('An idempotency key is required');
  const digest = createHash('sha256').update(scopedIdempotencyKey).digest();
  let id = '';
  // Each byte gives one character: 256 is a multiple of 32, so the characters stay uniform.
  for (let index = 0; index < ID_LENGTH; index++) id += CROCKFORD_BASE32.charAt((digest[index] ?? 0) % 32);
  return `${CHECKOUT_ID_PREFIX}${id}`;
}
