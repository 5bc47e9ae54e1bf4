import { describe, expect, it } from 'vitest';
import {
  applyDiscount,
  DISCOUNT_CODES,
  normalizeDiscountCode,
} from '../../../../functions/checkout/domain/discounts.js';
import { MAX_QUANTITY_PER_LINE } from '../../../../functions/checkout/domain/lines.js';
import { applyRate, percent } from '../../../../functions/checkout/domain/money.js';
import { MAX_TOTAL_CENTS, priceCart, subtotalOf } from '../../../../functions/checkout/domain/pricing.js';
import { taxRateFor } from '../../../../functions/checkout/domain/tax-rates.js';
import { InvalidCartError } from '../../../../shared/errors.js';

const products = new Map([
  ['SKU-A', { sku: 'SKU-A', name: 'Product A', priceCents: 1000 }],
  ['SKU-B', { sku: 'SKU-B', name: 'Product B', priceCents: 250 }],
  ['SKU-C', { sku: 'SKU-C', name: 'Product C', priceCents: 99_999 }],
  ['SKU-CHEAP', { sku: 'SKU-CHEAP', name: 'Cheap', priceCents: 1 }],
]);
const nowhere = { country: 'ZZ', region: 'ZZ' };
const california = { country: 'US', region: 'CA' };

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('money', () => {
  it('converts percentages to parts per million exactly', () => {
    // Assess
    expect(percent(7.25)).toBe(72_500);
    expect(percent(19)).toBe(190_000);
    expect(percent(14.975)).toBe(149_750);
    expect(percent(0)).toBe(0);
  });

  it.each([
    // amount, rate %, expected: half up at exactly .5, down below it, up above it
    [100, 7.25, 7], // 7.25 → 7
    [200, 7.25, 15], // 14.5 → 15 (half up)
    [1000, 7.25, 73], // 72.5 → 73 (half up)
    [999, 7.25, 72], // 72.4275 → 72
    [1, 50, 1], // 0.5 → 1
    [1, 49, 0], // 0.49 → 0
    [0, 20, 0],
    [100_000_000, 20, 20_000_000],
  ])('applies %d cents × %d %% = %d cents, rounding half up', (amount, rate, expected) => {
    // Act
    const result = applyRate(amount, percent(rate));

    // Assess
    expect(result).toBe(expected);
  });
});

describe('tax rates', () => {
  it.each([
    ['US', 'CA', 7.25],
    ['US', 'NY', 4],
    ['US', 'OR', 0],
    ['DE', 'BE', 19],
    ['FR', 'IDF', 20],
    ['GB', 'LND', 20],
    ['CA', 'ON', 13],
    ['CA', 'AB', 5],
    ['ZZ', 'ANY', 0],
  ])('%s/%s is taxed at %d %%', (country, region, rate) => {
    // Act
    const result = taxRateFor({ country, region });

    // Assess
    expect(result).toBe(percent(rate));
  });

  it('ignores the case and surrounding spaces of country and region codes', () => {
    // Assess
    expect(taxRateFor({ country: 'us', region: ' ca ' })).toBe(percent(7.25));
  });
});

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

describe('priceCart', () => {
  it('sums quantity × unit price into the subtotal', () => {
    // Act
    const result = priceCart({
      lines: [
        { sku: 'SKU-A', quantity: 2 },
        { sku: 'SKU-B', quantity: 3 },
      ],
      products,
      shippingAddress: nowhere,
    });

    // Assess
    expect(result).toEqual({
      lines: [
        { sku: 'SKU-A', name: 'Product A', quantity: 2, unitPriceCents: 1000 },
        { sku: 'SKU-B', name: 'Product B', quantity: 3, unitPriceCents: 250 },
      ],
      totals: { subtotalCents: 2750, discountCents: 0, taxCents: 0, totalCents: 2750 },
    });
  });

  it('merges repeated SKUs and sorts lines by SKU', () => {
    // Act
    const result = priceCart({
      lines: [
        { sku: 'SKU-B', quantity: 1 },
        { sku: 'SKU-A', quantity: 1 },
        { sku: 'SKU-B', quantity: 2 },
      ],
      products,
      shippingAddress: nowhere,
    });

    // Assess
    expect(result.lines.map((line) => [line.sku, line.quantity])).toEqual([
      ['SKU-A', 1],
      ['SKU-B', 3],
    ]);
  });

  it('taxes the discounted subtotal, rounding once on the total', () => {
    // Prepare: 7 × 1000 = 7000, minus 10 % = 6300, × 7.25 % = 456.75 → 457
    const input = { lines: [{ sku: 'SKU-A', quantity: 7 }], products, shippingAddress: california };

    // Act
    const result = priceCart({ ...input, discountCode: 'WELCOME10' });

    // Assess
    expect(result.totals).toEqual({ subtotalCents: 7000, discountCents: 700, taxCents: 457, totalCents: 6757 });
    expect(result.discountCode).toBe('WELCOME10');
  });

  it('rounds tax on the total rather than per line', () => {
    // Prepare: per line, 7.25 % of 750 = 54.375 → 54 and of 2 = 0.145 → 0, 54 in all;
    // once on the total, 7.25 % of 752 = 54.52 → 55
    const result = priceCart({
      lines: [
        { sku: 'SKU-B', quantity: 3 },
        { sku: 'SKU-CHEAP', quantity: 2 },
      ],
      products,
      shippingAddress: california,
    });

    // Assess
    expect(result.totals).toEqual({ subtotalCents: 752, discountCents: 0, taxCents: 55, totalCents: 807 });
  });

  it.each([
    [{ country: 'US', region: 'NY' }, 400],
    [{ country: 'US', region: 'OR' }, 0],
    [{ country: 'DE', region: 'BY' }, 1900],
    [{ country: 'FR', region: 'IDF' }, 2000],
    [{ country: 'GB', region: 'LND' }, 2000],
  ])('taxes a 10000-cent cart shipped to %o at %d cents', (shippingAddress, taxCents) => {
    // Act
    const result = priceCart({ lines: [{ sku: 'SKU-A', quantity: 10 }], products, shippingAddress });

    // Assess
    expect(result.totals.taxCents).toBe(taxCents);
    expect(result.totals.totalCents).toBe(10_000 + taxCents);
  });

  it('applies SAVE500 and the capped percentage code', () => {
    // Act
    const save = priceCart({
      lines: [{ sku: 'SKU-A', quantity: 2 }],
      products,
      shippingAddress: nowhere,
      discountCode: 'SAVE500',
    });
    const capped = priceCart({
      lines: [{ sku: 'SKU-C', quantity: 1 }],
      products,
      shippingAddress: nowhere,
      discountCode: 'tech15',
    });

    // Assess
    expect(save.totals).toEqual({ subtotalCents: 2000, discountCents: 500, taxCents: 0, totalCents: 1500 });
    expect(capped.totals).toEqual({ subtotalCents: 99_999, discountCents: 5000, taxCents: 0, totalCents: 94_999 });
    expect(capped.discountCode).toBe('TECH15');
  });

  it('refuses SAVE500 on a cart below 2000 cents', () => {
    // Act
    const error = thrown(() =>
      priceCart({
        lines: [{ sku: 'SKU-A', quantity: 1 }],
        products,
        shippingAddress: nowhere,
        discountCode: 'SAVE500',
      }),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect((error as Error).message).toContain('SAVE500');
  });

  it('refuses an unknown discount code', () => {
    // Act
    const error = thrown(() =>
      priceCart({ lines: [{ sku: 'SKU-A', quantity: 1 }], products, shippingAddress: nowhere, discountCode: 'NOPE' }),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect((error as Error).message).toContain('NOPE');
  });

  it('refuses an empty cart', () => {
    // Act
    const error = thrown(() => priceCart({ lines: [], products, shippingAddress: nowhere }));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect((error as Error).message).toMatch(/empty/);
  });

  it('refuses a SKU that is no longer in the catalog, naming it', () => {
    // Act
    const error = thrown(() =>
      priceCart({ lines: [{ sku: 'SKU-GONE', quantity: 1 }], products, shippingAddress: nowhere }),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect((error as InvalidCartError).details).toEqual({ skus: ['SKU-GONE'] });
  });

  it.each([0, -1, 1.5, MAX_QUANTITY_PER_LINE + 1])('refuses a quantity of %d', (quantity) => {
    // Act
    const error = thrown(() => priceCart({ lines: [{ sku: 'SKU-A', quantity }], products, shippingAddress: nowhere }));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect((error as Error).message).toContain('SKU-A');
  });

  it('accepts the largest quantity a line allows', () => {
    // Act
    const result = priceCart({
      lines: [{ sku: 'SKU-B', quantity: MAX_QUANTITY_PER_LINE }],
      products,
      shippingAddress: nowhere,
    });

    // Assess
    expect(result.totals.subtotalCents).toBe(250 * MAX_QUANTITY_PER_LINE);
  });

  it('refuses a total above what the contracts can carry', () => {
    // Prepare
    const expensive = new Map([['SKU-X', { sku: 'SKU-X', name: 'Yacht', priceCents: MAX_TOTAL_CENTS }]]);

    // Act
    const error = thrown(() =>
      priceCart({ lines: [{ sku: 'SKU-X', quantity: 2 }], products: expensive, shippingAddress: nowhere }),
    );

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
  });

  it('keeps every amount an integer and the totals consistent', () => {
    // Prepare: a spread of carts, codes and destinations
    const codes = [undefined, 'WELCOME10', 'TECH15', 'SAVE500'];
    const places = [california, { country: 'US', region: 'NY' }, { country: 'DE', region: 'X' }, nowhere];
    for (let quantity = 1; quantity <= 25; quantity += 4) {
      for (const discountCode of codes) {
        for (const shippingAddress of places) {
          // Act
          const { totals } = priceCart({
            lines: [
              { sku: 'SKU-B', quantity },
              { sku: 'SKU-A', quantity: 3 },
            ],
            products,
            shippingAddress,
            discountCode,
          });

          // Assess
          for (const value of Object.values(totals)) expect(Number.isInteger(value)).toBe(true);
          expect(totals.discountCents).toBeLessThanOrEqual(totals.subtotalCents);
          expect(totals.totalCents).toBe(totals.subtotalCents - totals.discountCents + totals.taxCents);
        }
      }
    }
  });
});

describe('subtotalOf', () => {
  it('is zero for no lines', () => {
    // Assess
    expect(subtotalOf([])).toBe(0);
  });
});
