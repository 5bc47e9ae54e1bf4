/**
 * Checkout ids are ULID-shaped: 10 characters of millisecond time then 16 random ones, in Crockford's base 32.
 * Sorting ids sorts checkouts by creation time, and the id is also the Step Functions execution name (so it stays
 * within the name's alphabet and 80-character limit) and the seed of `pay_<checkoutId>` and `ord_<checkoutId>`.
 */

const CROCKFORD_BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LENGTH = 10;
export const RANDOM_LENGTH = 16;
/** 48 bits of milliseconds: good until the year 10889. */
const MAX_TIME = 2 ** 48 - 1;

export const CHECKOUT_ID_PREFIX = 'chk_';
export const CHECKOUT_ID_PATTERN = /^chk_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * @param nowMs Milliseconds since the epoch.
 * @param randomBytes At least {@link RANDOM_LENGTH} random bytes; each gives one character (256 is a multiple of 32,
 *   so the characters stay uniform).
 */
export function newCheckoutId(nowMs: number, randomBytes: Uint8Array): string {
  if (!Number.isInteger(nowMs) || nowMs < 0 || nowMs > MAX_TIME) throw new RangeError(`Bad timestamp ${nowMs}`);
  if (randomBytes.length < RANDOM_LENGTH) throw new RangeError(`${RANDOM_LENGTH} random bytes are required`);
  let time = '';
  let remaining = nowMs;
  for (let index = 0; index < TIME_LENGTH; index++) {
    time = CROCKFORD_BASE32.charAt(remaining % 32) + time;
    remaining = Math.floor(remaining / 32);
  }
  let random = '';
  for (let index = 0; index < RANDOM_LENGTH; index++) {
    random += CROCKFORD_BASE32.charAt((randomBytes[index] ?? 0) % 32);
  }
  return `${CHECKOUT_ID_PREFIX}${time}${random}`;
}
