import { describe, expect, it } from 'vitest';
import { aggregateLines } from '../../../../functions/checkout/domain/lines.js';

describe('aggregateLines', () => {
  it('sums repeated SKUs and sorts by SKU', () => {
    // Act
    const result = aggregateLines([
      { sku: 'SKU-B', quantity: 1 },
      { sku: 'SKU-A', quantity: 2 },
      { sku: 'SKU-B', quantity: 4 },
    ]);

    // Assess
    expect(result).toEqual([
      { sku: 'SKU-A', quantity: 2 },
      { sku: 'SKU-B', quantity: 5 },
    ]);
  });

  it('answers nothing for no lines', () => {
    // Assess
    expect(aggregateLines([])).toEqual([]);
  });
});
