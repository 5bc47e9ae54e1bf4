import { describe, expect, it } from 'vitest';
import { MAX_QUANTITY_PER_LINE } from '../../../../functions/checkout/domain/lines.js';
import { MAX_TOTAL_CENTS, priceCart, subtotalOf } from '../../../../functions/checkout/domain/pricing.js';
import { InvalidCartError } from '../../../../shared/errors.js';
import { thrown } from './harness.js';

const products = new Map([
  ['SKU-A', { sku: 'SKU-A', name: 'Product A', priceCents: 1000 }],
  ['SKU-B', { sku: 'SKU-B', name: 'Product B', priceCents: 250 }],
  ['SKU-C', { sku: 'SKU-C', name: 'Product C', priceCents: 99_999 }],
  ['SKU-CHEAP', { sku: 'SKU-CHEAP', name: 'Cheap', priceCents: 1 }],
]);
const nowhere = { country: 'ZZ', region: 'ZZ' };
const california = { country: 'US', region: 'CA' };

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
