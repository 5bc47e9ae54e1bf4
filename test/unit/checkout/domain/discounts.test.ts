import { describe, expect, it } from 'vitest';
import {
  applyDiscount,
  DISCOUNT_CODES,
  normalizeDiscountCode,
} from '../../../../functions/checkout/domain/discounts.js';
import { InvalidCartError } from '../../../../shared/errors.js';
import { thrown } from './harness.js';

describe('discount codes', () => {
  it('offers at least the documented codes', () => {
    // Assess
    expect(Object.keys(DISCOUNT_CODES)).toEqual(expect.arrayContaining(['WELCOME10', 'SAVE500', 'TECH15']));
  });

  it('normalises what the customer typed', () => {
    // Assess
    expect(normalizeDiscountCode('  welcome10 ')).toBe('WELCOME10');
  });

  it('takes 10 % off with WELCOME10, rounding half up', () => {
    // Assess
    expect(applyDiscount('WELCOME10', 10_000)).toEqual({ code: 'WELCOME10', discountCents: 1000 });
    expect(applyDiscount('welcome10', 1005)).toEqual({ code: 'WELCOME10', discountCents: 101 }); // 100.5 → 101
    expect(applyDiscount('WELCOME10', 1004)).toEqual({ code: 'WELCOME10', discountCents: 100 }); // 100.4 → 100
  });

  it('takes 500 cents off with SAVE500 from a 2000-cent subtotal', () => {
    // Assess
    expect(applyDiscount('SAVE500', 2000)).toEqual({ code: 'SAVE500', discountCents: 500 });
    expect(applyDiscount('SAVE500', 50_000)).toEqual({ code: 'SAVE500', discountCents: 500 });
  });

  it('refuses SAVE500 below its minimum subtotal, naming the code', () => {
    // Act
    const error = thrown(() => applyDiscount('SAVE500', 1999));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect((error as InvalidCartError).message).toContain('SAVE500');
    expect((error as InvalidCartError).details).toMatchObject({ discountCode: 'SAVE500', minSubtotalCents: 2000 });
  });

  it('caps TECH15 at 5000 cents', () => {
    // Assess
    expect(applyDiscount('TECH15', 10_000)).toEqual({ code: 'TECH15', discountCents: 1500 });
    expect(applyDiscount('TECH15', 33_333)).toEqual({ code: 'TECH15', discountCents: 5000 }); // 15 % = 4999.95 → 5000
    expect(applyDiscount('TECH15', 1_000_000)).toEqual({ code: 'TECH15', discountCents: 5000 });
  });

  it('refuses an unknown code, naming it as typed', () => {
    // Act
    const error = thrown(() => applyDiscount('FREESTUFF', 10_000));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect((error as InvalidCartError).code).toBe('INVALID_CART');
    expect((error as InvalidCartError).message).toContain('FREESTUFF');
  });

  it('never gives more than the subtotal', () => {
    // Assess: every percentage code on a 1-cent subtotal, and a tiny subtotal for the percentage codes
    for (const code of Object.keys(DISCOUNT_CODES).filter((c) => c !== 'SAVE500')) {
      expect(applyDiscount(code, 1).discountCents).toBeLessThanOrEqual(1);
      expect(applyDiscount(code, 0).discountCents).toBe(0);
    }
  });
});
