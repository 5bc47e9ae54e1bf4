import { describe, expect, it } from 'vitest';
import { CHECKOUT_ID_PATTERN, checkoutIdFor } from '../../../../functions/checkout/domain/checkout-id.js';
import { Identifier } from '../../../../shared/contracts/common.js';

describe('checkoutIdFor', () => {
  it('is chk_ then 26 characters of Crockford base 32, an Identifier and a valid execution name', () => {
    // Act
    const id = checkoutIdFor('user-ada:key-0001');

    // Assess
    expect(id).toMatch(CHECKOUT_ID_PATTERN);
    expect(Identifier.safeParse(id).success).toBe(true);
    expect(id.length).toBeLessThanOrEqual(80);
  });

  it('is the same for the same scoped key, so a retried request finds the checkout it started', () => {
    // Assess
    expect(checkoutIdFor('user-ada:key-0001')).toBe(checkoutIdFor('user-ada:key-0001'));
  });

  it('differs between customers using the same key, and between keys of one customer', () => {
    // Act
    const ids = new Set(['user-ada:key-0001', 'user-bob:key-0001', 'user-ada:key-0002'].map(checkoutIdFor));

    // Assess
    expect(ids.size).toBe(3);
  });

  it('refuses an empty key', () => {
    // Assess
    expect(() => checkoutIdFor('')).toThrow(RangeError);
  });
});
