import { InvalidCartError } from '../../../shared/errors.js';
import { applyRate, type PartsPerMillion, percent } from './money.js';

/** How a discount code reduces the subtotal. */
export type DiscountRule =
  | { readonly kind: 'percentage'; readonly rate: PartsPerMillion; readonly maxCents?: number }
  | { readonly kind: 'fixed'; readonly amountCents: number; readonly minSubtotalCents?: number };

/** The codes customers may use. Static on purpose: a demo has no promotions back office. */
export const DISCOUNT_CODES: Readonly<Record<string, DiscountRule>> = {
  WELCOME10: { kind: 'percentage', rate: percent(10) },
  SAVE500: { kind: 'fixed', amountCents: 500, minSubtotalCents: 2000 },
  /** 15 % off, at most 50.00: a big order does not get an unbounded discount. */
  TECH15: { kind: 'percentage', rate: percent(15), maxCents: 5000 },
};

export interface AppliedDiscount {
  /** The code as the table spells it, whatever case the customer typed. */
  readonly code: string;
  readonly discountCents: number;
}

/** Customers type codes by hand; case and surrounding spaces should not decide whether a code works. */
export function normalizeDiscountCode(code: string): string {
  return code.trim().toUpperCase();
}

/**
 * The discount a code gives on a subtotal, never more than the subtotal. An unknown code, or one whose conditions
 * the cart does not meet, is refused rather than silently ignored: the customer asked for it and should know.
 */
export function applyDiscount(rawCode: string, subtotalCents: number): AppliedDiscount {
  const code = normalizeDiscountCode(rawCode);
  const rule = DISCOUNT_CODES[code];
  if (!rule) {
    throw new InvalidCartError(`The discount code ${rawCode} does not exist`, { discountCode: rawCode });
  }
  const discountCents = discountFor(rule, code, subtotalCents);
  return { code, discountCents: Math.min(discountCents, subtotalCents) };
}

function discountFor(rule: DiscountRule, code: string, subtotalCents: number): number {
  if (rule.kind === 'percentage') {
    const discount = applyRate(subtotalCents, rule.rate);
    return rule.maxCents === undefined ? discount : Math.min(discount, rule.maxCents);
  }
  if (rule.minSubtotalCents !== undefined && subtotalCents < rule.minSubtotalCents) {
    throw new InvalidCartError(
      `The discount code ${code} needs a subtotal of at least ${rule.minSubtotalCents} cents`,
      { discountCode: code, minSubtotalCents: rule.minSubtotalCents, subtotalCents },
    );
  }
  return rule.amountCents;
}
