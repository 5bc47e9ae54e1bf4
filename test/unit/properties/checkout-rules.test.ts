/**
 * Properties of the checkout's pure rules, over generated carts, prices, rates and refunds (fast-check): what the
 * chaos run's money and stock invariants rest on, checked for every input rather than for a few examples.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DISCOUNT_CODES } from '../../../functions/checkout/domain/discounts.js';
import { aggregateLines, MAX_QUANTITY_PER_LINE } from '../../../functions/checkout/domain/lines.js';
import { applyRate } from '../../../functions/checkout/domain/money.js';
import { type PricedProduct, priceCart } from '../../../functions/checkout/domain/pricing.js';
import { decideRefund } from '../../../functions/checkout/domain/refunds.js';
import { planReservation } from '../../../functions/checkout/domain/reservation.js';
import { TAX_RATES } from '../../../functions/checkout/domain/tax-rates.js';

const SKUS = ['SKU-A', 'SKU-B', 'SKU-C', 'SKU-D', 'SKU-E'];
const sku = fc.constantFrom(...SKUS);
const line = fc.record({ sku, quantity: fc.integer({ min: 1, max: 20 }) });
const catalog = fc
  .tuple(...SKUS.map(() => fc.integer({ min: 1, max: 500_000 })))
  .map(
    (prices) =>
      new Map<string, PricedProduct>(
        SKUS.map((code, index) => [code, { sku: code, name: code, priceCents: prices[index] ?? 1 }]),
      ),
  );
const address = fc.constantFrom(
  ...Object.entries(TAX_RATES).flatMap(([country, tax]) => [
    { country, region: 'ZZ', postalCode: '00000' },
    ...Object.keys(tax.regions ?? {}).map((region) => ({ country, region, postalCode: '00000' })),
  ]),
);
const discountCode = fc.option(fc.constantFrom(...Object.keys(DISCOUNT_CODES)), { nil: undefined });

describe('pricing', () => {
  test.prop([fc.array(line, { minLength: 1, maxLength: 8 }), catalog, address, discountCode])(
    'total = subtotal − discount + tax, every amount a whole number of cents, the discount never above the subtotal',
    (lines, products, shippingAddress, code) => {
      const merged = aggregateLines(lines);
      fc.pre(merged.every((merge) => merge.quantity <= MAX_QUANTITY_PER_LINE));
      let priced: ReturnType<typeof priceCart>;
      try {
        priced = priceCart({ lines, products, shippingAddress, discountCode: code });
      } catch (error) {
        // A code whose conditions the cart does not meet is refused, not ignored; that is the only refusal here.
        expect((error as Error).name).toBe('InvalidCartError');
        return;
      }
      const { subtotalCents, discountCents, taxCents, totalCents } = priced.totals;
      const expectedSubtotal = merged.reduce(
        (sum, merge) => sum + merge.quantity * (products.get(merge.sku)?.priceCents ?? 0),
        0,
      );
      expect(subtotalCents).toBe(expectedSubtotal);
      expect(totalCents).toBe(subtotalCents - discountCents + taxCents);
      for (const amount of [subtotalCents, discountCents, taxCents, totalCents]) {
        expect(Number.isInteger(amount) && amount >= 0).toBe(true);
      }
      expect(discountCents).toBeLessThanOrEqual(subtotalCents);
    },
  );

  test.prop([fc.array(line, { minLength: 1, maxLength: 8 }), catalog, address])(
    'the same items priced the same however the cart splits them into lines',
    (lines, products, shippingAddress) => {
      fc.pre(aggregateLines(lines).every((merge) => merge.quantity <= MAX_QUANTITY_PER_LINE));
      const split = lines.flatMap((item) =>
        item.quantity > 1
          ? [
              { sku: item.sku, quantity: 1 },
              { sku: item.sku, quantity: item.quantity - 1 },
            ]
          : [item],
      );
      expect(priceCart({ lines: [...split].reverse(), products, shippingAddress }).totals).toEqual(
        priceCart({ lines, products, shippingAddress }).totals,
      );
    },
  );

  test.prop([fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 0, max: 1_000_000 })])(
    'a rate is applied in whole cents, within half a cent of the exact product, and never more than the amount',
    (amountCents, rate) => {
      const applied = applyRate(amountCents, rate);
      expect(Number.isInteger(applied)).toBe(true);
      expect(Math.abs(applied - (amountCents * rate) / 1_000_000)).toBeLessThanOrEqual(0.5);
      expect(applied).toBeLessThanOrEqual(amountCents);
      expect(applyRate(amountCents + 1, rate)).toBeGreaterThanOrEqual(applied);
    },
  );
});

describe('refunds', () => {
  test.prop([
    fc.integer({ min: 1, max: 10_000_000 }),
    fc.array(fc.option(fc.integer({ min: -5, max: 10_000_000 }), { nil: undefined }), { maxLength: 12 }),
  ])('refunds decided one after another never add up to more than was paid', (amountCents, requests) => {
    let refundedCents = 0;
    for (const requested of requests) {
      const decision = decideRefund({ amountCents, refundedCents }, requested);
      if (!decision.allowed) {
        expect(requested === undefined ? amountCents - refundedCents : requested).toBe(decision.requestedCents);
        continue;
      }
      expect(decision.amountCents).toBeGreaterThanOrEqual(1);
      // The write's condition: at most this much refunded before, so this refund cannot pass the amount paid.
      expect(decision.maxRefundedBefore + decision.amountCents).toBe(amountCents);
      expect(refundedCents).toBeLessThanOrEqual(decision.maxRefundedBefore);
      refundedCents += decision.amountCents;
      expect(decision.statusAfter).toBe(refundedCents === amountCents ? 'REFUNDED' : 'PARTIALLY_REFUNDED');
    }
    expect(refundedCents).toBeLessThanOrEqual(amountCents);
  });
});

describe('reservation', () => {
  test.prop([fc.array(line, { maxLength: 12 })])(
    'merging lines keeps every SKU’s quantity, once per SKU, sorted',
    (lines) => {
      const merged = aggregateLines(lines);
      expect(merged.map((merge) => merge.sku)).toEqual([...new Set(lines.map((item) => item.sku))].sort());
      for (const merge of merged) {
        const asked = lines.filter((item) => item.sku === merge.sku).reduce((sum, item) => sum + item.quantity, 0);
        expect(merge.quantity).toBe(asked);
      }
    },
  );

  test.prop([fc.array(line, { minLength: 1, maxLength: 12 }), fc.dictionary(sku, fc.integer({ min: 0, max: 60 }))])(
    'a SKU is short exactly when its stock is below the quantity asked, and unknown exactly when it has none',
    (lines, available) => {
      const stock = new Map(Object.entries(available).map(([code, count]) => [code, { sku: code, available: count }]));
      const plan = planReservation(lines, stock);
      for (const delta of plan.deltas) {
        const level = stock.get(delta.sku);
        expect(plan.unknownSkus.includes(delta.sku)).toBe(level === undefined);
        expect(plan.shortSkus.includes(delta.sku)).toBe(level !== undefined && level.available < delta.quantity);
      }
    },
  );
});
