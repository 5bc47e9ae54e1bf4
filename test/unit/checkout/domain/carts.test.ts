import { describe, expect, it } from 'vitest';
import { cartView, isOwnedBy, linesOf } from '../../../../functions/checkout/domain/carts.js';

describe('carts', () => {
  const cart = {
    cartId: 'cart-1',
    ownerSub: 'user-ada',
    tenantId: 'tenant-a',
    items: { 'SKU-B': { quantity: 2 }, 'SKU-A': { quantity: 1 }, 'SKU-GONE': { quantity: 1 } },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('belongs to its subject within its tenant only', () => {
    // Assess
    expect(isOwnedBy(cart, { ownerSub: 'user-ada', tenantId: 'tenant-a' })).toBe(true);
    expect(isOwnedBy(cart, { ownerSub: 'user-bob', tenantId: 'tenant-a' })).toBe(false);
    expect(isOwnedBy(cart, { ownerSub: 'user-ada', tenantId: 'tenant-b' })).toBe(false);
  });

  it('lists its lines sorted by SKU', () => {
    // Assess
    expect(linesOf(cart).map((line) => line.sku)).toEqual(['SKU-A', 'SKU-B', 'SKU-GONE']);
  });

  it('shows current prices and the subtotal, leaving out products that left the catalog', () => {
    // Prepare
    const products = new Map([
      ['SKU-A', { sku: 'SKU-A', name: 'A', priceCents: 1000 }],
      ['SKU-B', { sku: 'SKU-B', name: 'B', priceCents: 250 }],
    ]);

    // Act
    const view = cartView(cart, products);

    // Assess
    expect(view).toEqual({
      cartId: 'cart-1',
      items: [
        { sku: 'SKU-A', quantity: 1, unitPriceCents: 1000, name: 'A' },
        { sku: 'SKU-B', quantity: 2, unitPriceCents: 250, name: 'B' },
      ],
      subtotalCents: 1500,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
  });
});
