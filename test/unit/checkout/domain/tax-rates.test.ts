import { describe, expect, it } from 'vitest';
import { percent } from '../../../../functions/checkout/domain/money.js';
import { taxRateFor } from '../../../../functions/checkout/domain/tax-rates.js';

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
