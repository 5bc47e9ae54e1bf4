/**
 * Integer money arithmetic. Every amount is a whole number of cents; a fraction is rounded once, half up, at the
 * point where a rate is applied, never on intermediate floats.
 */

/** Parts per million: 7.25 % is 72 500. Rates are kept in this unit so that applying one stays in integers. */
export type PartsPerMillion = number;

const ONE_MILLION = 1_000_000;

/** Converts a percentage written for humans (e.g. 7.25) into parts per million, exactly. */
export function percent(value: number): PartsPerMillion {
  return Math.round(value * 10_000);
}

/**
 * `amountCents × rate`, rounded half up to a whole cent. Both operands are non-negative integers and their product
 * stays far below 2^53 for any amount the contracts allow (at most 10^8 cents × 10^6), so the division is exact
 * enough to round correctly.
 */
export function applyRate(amountCents: number, rate: PartsPerMillion): number {
  return Math.floor((amountCents * rate + ONE_MILLION / 2) / ONE_MILLION);
}
