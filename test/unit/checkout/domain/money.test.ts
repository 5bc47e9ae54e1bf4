import { describe, expect, it } from 'vitest';
import { applyRate, percent } from '../../../../functions/checkout/domain/money.js';

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
