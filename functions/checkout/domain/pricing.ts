import type { PricedLine, PricingResult } from '../../../shared/contracts/checkout-saga.js';
import { InvalidCartError } from '../../../shared/errors.js';
import { applyDiscount } from './discounts.js';
import { aggregateLines, MAX_QUANTITY_PER_LINE, type OrderLine } from './lines.js';
import { applyRate } from './money.js';
import { type TaxLocation, taxRateFor } from './tax-rates.js';

/** What pricing needs to know about a product. */
export interface PricedProduct {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
}

export interface PriceCartInput {
  readonly lines: readonly OrderLine[];
  /** Current catalog entries by SKU; a SKU missing here no longer exists. */
  readonly products: ReadonlyMap<string, PricedProduct>;
  readonly shippingAddress: TaxLocation;
  readonly discountCode?: string | undefined;
}

/** The contracts cap every amount at this (`Cents`); a total above it could not be charged or stored. */
export const MAX_TOTAL_CENTS = 100_000_000;

/** Σ quantity × unit price. */
export function subtotalOf(lines: readonly { quantity: number; unitPriceCents: number }[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
}

/**
 * Prices a cart: subtotal at current catalog prices, minus the discount, plus tax on what remains. Tax is computed
 * once on the discounted subtotal and rounded half up once, so line-by-line rounding can never drift the total.
 * Stock is not checked here: that is the reservation's job, and its failure (`OutOfStockError`) means something
 * different to the customer than an invalid cart.
 */
export function priceCart(input: PriceCartInput): PricingResult {
  const lines = pricedLines(input.lines, input.products);
  const subtotalCents = subtotalOf(lines);
  if (subtotalCents > MAX_TOTAL_CENTS) {
    throw new InvalidCartError(`The cart subtotal exceeds the maximum of ${MAX_TOTAL_CENTS} cents`, { subtotalCents });
  }
  const discount = input.discountCode ? applyDiscount(input.discountCode, subtotalCents) : undefined;
  const discountCents = discount?.discountCents ?? 0;
  const taxableCents = subtotalCents - discountCents;
  const taxCents = applyRate(taxableCents, taxRateFor(input.shippingAddress));
  const totalCents = taxableCents + taxCents;
  if (totalCents > MAX_TOTAL_CENTS) {
    throw new InvalidCartError(`The cart total exceeds the maximum of ${MAX_TOTAL_CENTS} cents`, { totalCents });
  }
  return {
    lines,
    totals: { subtotalCents, discountCents, taxCents, totalCents },
    ...(discount ? { discountCode: discount.code } : {}),
  };
}

function pricedLines(lines: readonly OrderLine[], products: ReadonlyMap<string, PricedProduct>): PricedLine[] {
  if (lines.length === 0) throw new InvalidCartError('The cart is empty');
  const merged = aggregateLines(lines);
  const unknownSkus = merged.filter((line) => !products.has(line.sku)).map((line) => line.sku);
  if (unknownSkus.length > 0) {
    throw new InvalidCartError(`The cart holds products that no longer exist: ${unknownSkus.join(', ')}`, {
      skus: unknownSkus,
    });
  }
  const invalid = merged.filter(
    (line) => !Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY_PER_LINE,
  );
  if (invalid.length > 0) {
    throw new InvalidCartError(
      `Each quantity must be a whole number from 1 to ${MAX_QUANTITY_PER_LINE}: ${invalid.map((line) => line.sku).join(', ')}`,
      { lines: invalid, maxQuantity: MAX_QUANTITY_PER_LINE },
    );
  }
  return merged.map((line) => {
    const product = products.get(line.sku) as PricedProduct;
    return { sku: line.sku, name: product.name, quantity: line.quantity, unitPriceCents: product.priceCents };
  });
}
