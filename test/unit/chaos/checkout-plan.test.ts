import { describe, expect, it } from 'vitest';
import { chaosCatalog, PAYMENT_TOKENS, planCheckouts } from '../../../chaos/checkout-plan.js';
import { SIMULATED_TOKENS } from '../../../functions/checkout/adapters/simulated-payment-gateway.js';

describe('chaos plan', () => {
  it('draws the same sagas from the same seed, and saga i is the same whatever the count', () => {
    // Prepare
    const catalog = chaosCatalog(100);

    // Act
    const first = planCheckouts('seed-a', 100, catalog);
    const again = planCheckouts('seed-a', 100, catalog);
    const fewer = planCheckouts('seed-a', 10, catalog);
    const other = planCheckouts('seed-b', 100, catalog);

    // Assess
    expect(again).toEqual(first);
    expect(fewer).toEqual(first.slice(0, 10));
    expect(other).not.toEqual(first);
    expect(new Set(first.map((saga) => saga.correlationId)).size).toBe(100);
  });

  it('buys only catalog products, each line once, scarce ones one at a time', () => {
    // Prepare
    const catalog = chaosCatalog(500);
    const skus = new Set(catalog.map((product) => product.sku));

    // Act
    const plans = planCheckouts('seed-c', 500, catalog);

    // Assess
    for (const saga of plans) {
      expect(saga.lines.every((line) => skus.has(line.sku))).toBe(true);
      expect(new Set(saga.lines.map((line) => line.sku)).size).toBe(saga.lines.length);
      const scarce = saga.lines.filter((line) => line.sku.startsWith('CHAOS-SCARCE'));
      expect(scarce.every((line) => line.quantity === 1)).toBe(true);
    }
    expect(plans.some((saga) => saga.paymentToken === 'tok_chargeDeclined')).toBe(true);
    expect(plans.some((saga) => saga.refunds.length > 0)).toBe(true);
  });

  it('pays with every token of the simulated gateway, at about its weight, and with no other', () => {
    // Prepare
    const known = new Set<string>(Object.values(SIMULATED_TOKENS));
    const count = 2000;

    // Act
    const plans = planCheckouts('seed-d', count, chaosCatalog(count));

    // Assess: the plan's tokens are the gateway's (a renamed token would decline every such checkout).
    expect(PAYMENT_TOKENS.map(([token]) => token).sort()).toEqual([...known].sort());
    const total = PAYMENT_TOKENS.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [token, weight] of PAYMENT_TOKENS) {
      const drawn = plans.filter((saga) => saga.paymentToken === token).length / count;
      expect(drawn, token).toBeGreaterThan((weight / total) * 0.6);
      expect(drawn, token).toBeLessThan((weight / total) * 1.4);
    }
  });
});
