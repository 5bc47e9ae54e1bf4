import { describe, expect, it } from 'vitest';
import type { OrderLine } from '../../../../functions/checkout/domain/lines.js';
import type { InventoryRepository, ReserveOutcome } from '../../../../functions/checkout/ports/inventory.js';
import { reserveInventory } from '../../../../functions/checkout/use-cases/reserve-inventory.js';
import type { Product } from '../../../../shared/contracts/checkout-api.js';
import type { ReserveInventoryCommand } from '../../../../shared/contracts/checkout-saga.js';
import { InvalidCartError, OutOfStockError } from '../../../../shared/errors.js';

/** An inventory that answers what it is told to, and remembers what it was asked. */
function inventoryAnswering(outcome: ReserveOutcome) {
  const asked: { checkoutId: string; lines: readonly OrderLine[] }[] = [];
  const inventory: InventoryRepository = {
    async reserve(checkoutId, lines) {
      asked.push({ checkoutId, lines });
      return outcome;
    },
    release: async () => 'NOTHING_HELD',
  };
  return { inventory, asked };
}

function catalogOf(products: Pick<Product, 'sku' | 'available'>[]) {
  const read: (readonly string[])[] = [];
  const catalog = {
    async getProducts(skus: readonly string[]) {
      read.push(skus);
      return new Map(
        products
          .filter((product) => skus.includes(product.sku))
          .map((product) => [product.sku, { name: product.sku, priceCents: 100, reserved: 0, ...product }]),
      );
    },
  };
  return { catalog, read };
}

function command(lines: { sku: string; quantity: number }[]): ReserveInventoryCommand {
  return {
    checkoutId: 'chk_1',
    correlationId: 'corr-1',
    customerId: 'u1',
    tenantId: 't1',
    cartId: 'cart-1',
    requestedAt: '2026-12-02T00:00:00.000Z',
    pricing: {
      lines: lines.map((line) => ({ ...line, name: line.sku, unitPriceCents: 100 })),
      totals: { subtotalCents: 0, discountCents: 0, taxCents: 0, totalCents: 0 },
    },
  };
}

describe('reserveInventory (use case, in-memory ports)', () => {
  it('reserves the lines once per SKU, summed, and reads no stock when the store agreed', async () => {
    // Prepare
    const { inventory, asked } = inventoryAnswering({ kind: 'RESERVED' });
    const { catalog, read } = catalogOf([]);

    // Act
    const result = await reserveInventory(
      command([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'A', quantity: 3 },
      ]),
      { inventory, catalog },
    );

    // Assess
    expect(result).toEqual({ reservedSkus: ['A', 'B'] });
    expect(asked).toEqual([
      {
        checkoutId: 'chk_1',
        lines: [
          { sku: 'A', quantity: 4 },
          { sku: 'B', quantity: 2 },
        ],
      },
    ]);
    expect(read).toEqual([]);
  });

  it('succeeds without a second reservation when an earlier attempt holds the stock', async () => {
    // Prepare
    const { inventory } = inventoryAnswering({ kind: 'ALREADY_RESERVED' });
    const { catalog, read } = catalogOf([]);

    // Act
    const result = await reserveInventory(command([{ sku: 'A', quantity: 1 }]), { inventory, catalog });

    // Assess
    expect(result).toEqual({ reservedSkus: ['A'] });
    expect(read).toEqual([]);
  });

  it('explains a refusal from the catalog: every short SKU, including one whose stock came back since', async () => {
    // Prepare
    const { inventory } = inventoryAnswering({ kind: 'REFUSED', rejectedSkus: ['B'] });
    const { catalog, read } = catalogOf([
      { sku: 'A', available: 0 },
      { sku: 'B', available: 9 },
    ]);

    // Act
    const reserving = reserveInventory(
      command([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
      ]),
      { inventory, catalog },
    );

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(OutOfStockError);
    await expect(reserving).rejects.toMatchObject({ details: { skus: ['A', 'B'] } });
    expect(read).toEqual([['A', 'B']]);
  });

  it('names products that do not exist as an invalid cart', async () => {
    // Prepare
    const { inventory } = inventoryAnswering({ kind: 'REFUSED', rejectedSkus: ['GONE'] });
    const { catalog } = catalogOf([{ sku: 'A', available: 5 }]);

    // Act
    const reserving = reserveInventory(
      command([
        { sku: 'A', quantity: 1 },
        { sku: 'GONE', quantity: 1 },
      ]),
      { inventory, catalog },
    );

    // Assess
    await expect(reserving).rejects.toBeInstanceOf(InvalidCartError);
    await expect(reserving).rejects.toThrow('The cart holds products that do not exist: GONE');
  });
});
