import { describe, expect, it } from 'vitest';
import {
  CHECKOUT_ID_PATTERN,
  newCheckoutId,
  RANDOM_LENGTH,
} from '../../../../functions/checkout/domain/checkout-id.js';
import { Identifier } from '../../../../shared/contracts/common.js';

const bytes = (...values: number[]) => Uint8Array.from({ length: RANDOM_LENGTH }, (_, index) => values[index] ?? 0);

describe('newCheckoutId', () => {
  it('is chk_ then 10 characters of time and 16 random characters in Crockford base 32', () => {
    // Act
    const id = newCheckoutId(Date.UTC(2026, 0, 1), bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31));

    // Assess
    expect(id).toMatch(CHECKOUT_ID_PATTERN);
    expect(id.slice(14)).toBe('0123456789ABCDEZ');
    expect(Identifier.safeParse(id).success).toBe(true);
    // A Step Functions execution name: at most 80 characters, no characters it forbids.
    expect(id.length).toBeLessThanOrEqual(80);
  });

  it('encodes the time so that ids sort by creation time', () => {
    // Prepare
    const times = [0, 1, 31, 32, 1_000, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, 2 ** 48 - 1];

    // Act
    const ids = times.map((time) => newCheckoutId(time, bytes(31, 31, 31)));

    // Assess
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]?.slice(4, 14)).toBe('0000000000');
    expect(ids[1]?.slice(4, 14)).toBe('0000000001');
    expect(ids.at(-1)?.slice(4, 14)).toBe('7ZZZZZZZZZ');
  });

  it('maps every byte value onto the alphabet (256 is a multiple of 32)', () => {
    // Act
    const id = newCheckoutId(0, bytes(32, 33, 255, 223));

    // Assess
    expect(id.slice(14, 18)).toBe('01ZZ');
  });

  it('differs for different random bytes at the same millisecond', () => {
    // Assess
    expect(newCheckoutId(5, bytes(1))).not.toBe(newCheckoutId(5, bytes(2)));
  });

  it.each([[-1], [1.5], [2 ** 48], [Number.NaN]])('refuses the timestamp %s', (time) => {
    // Assess
    expect(() => newCheckoutId(time, bytes())).toThrow(RangeError);
  });

  it('refuses too few random bytes', () => {
    // Assess
    expect(() => newCheckoutId(0, new Uint8Array(RANDOM_LENGTH - 1))).toThrow(RangeError);
  });
});
