import { describe, expect, it } from 'vitest';
import { explainRefusedReservation, planReservation } from '../../../../functions/checkout/domain/reservation.js';

const stock = (...levels: Array<[string, number]>) =>
  new Map(levels.map(([sku, available]) => [sku, { sku, available }]));

describe('planReservation', () => {
  it('plans one delta per SKU when everything is in stock', () => {
    // Act
    const plan = planReservation(
      [
        { sku: 'SKU-B', quantity: 2 },
        { sku: 'SKU-A', quantity: 1 },
      ],
      stock(['SKU-A', 1], ['SKU-B', 5]),
    );

    // Assess
    expect(plan).toEqual({
      deltas: [
        { sku: 'SKU-A', quantity: 1 },
        { sku: 'SKU-B', quantity: 2 },
      ],
      shortSkus: [],
      unknownSkus: [],
    });
  });

  it('treats exactly the available quantity as enough', () => {
    // Assess
    expect(planReservation([{ sku: 'SKU-A', quantity: 3 }], stock(['SKU-A', 3])).shortSkus).toEqual([]);
  });

  it('names every short SKU, not only the first', () => {
    // Act
    const plan = planReservation(
      [
        { sku: 'SKU-C', quantity: 2 },
        { sku: 'SKU-A', quantity: 5 },
        { sku: 'SKU-B', quantity: 1 },
      ],
      stock(['SKU-A', 4], ['SKU-B', 1], ['SKU-C', 0]),
    );

    // Assess
    expect(plan.shortSkus).toEqual(['SKU-A', 'SKU-C']);
  });

  it('judges repeated SKUs on their summed quantity', () => {
    // Act
    const plan = planReservation(
      [
        { sku: 'SKU-A', quantity: 2 },
        { sku: 'SKU-A', quantity: 2 },
      ],
      stock(['SKU-A', 3]),
    );

    // Assess
    expect(plan.deltas).toEqual([{ sku: 'SKU-A', quantity: 4 }]);
    expect(plan.shortSkus).toEqual(['SKU-A']);
  });

  it('separates SKUs that are not in the catalog from short ones', () => {
    // Act
    const plan = planReservation(
      [
        { sku: 'SKU-GONE', quantity: 1 },
        { sku: 'SKU-A', quantity: 9 },
      ],
      stock(['SKU-A', 1]),
    );

    // Assess
    expect(plan.unknownSkus).toEqual(['SKU-GONE']);
    expect(plan.shortSkus).toEqual(['SKU-A']);
  });
});

describe('explainRefusedReservation', () => {
  const lines = [
    { sku: 'SKU-A', quantity: 2 },
    { sku: 'SKU-B', quantity: 2 },
    { sku: 'SKU-C', quantity: 2 },
  ];

  it('keeps a rejected SKU short even if its stock came back since', () => {
    // Act
    const result = explainRefusedReservation(lines, stock(['SKU-A', 9], ['SKU-B', 9], ['SKU-C', 9]), ['SKU-B']);

    // Assess
    expect(result).toEqual({ shortSkus: ['SKU-B'], unknownSkus: [] });
  });

  it('adds SKUs the fresh read shows short although the database did not report them', () => {
    // Act
    const result = explainRefusedReservation(lines, stock(['SKU-A', 0], ['SKU-B', 1], ['SKU-C', 9]), ['SKU-B']);

    // Assess
    expect(result.shortSkus).toEqual(['SKU-A', 'SKU-B']);
  });

  it('reports a rejected SKU that does not exist as unknown, not short', () => {
    // Act
    const result = explainRefusedReservation(lines, stock(['SKU-A', 9], ['SKU-C', 9]), ['SKU-B']);

    // Assess
    expect(result).toEqual({ shortSkus: [], unknownSkus: ['SKU-B'] });
  });
});
