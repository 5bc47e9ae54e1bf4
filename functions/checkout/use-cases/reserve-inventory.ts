import type { ReserveInventoryCommand } from '../../../shared/contracts/checkout-saga.js';
import { aggregateLines } from '../domain/lines.js';
import type { InventoryRepository } from '../ports/inventory.js';

/** Holds the priced lines' stock for this checkout, all or nothing. */
export async function reserveInventory(
  command: ReserveInventoryCommand,
  deps: { inventory: InventoryRepository },
): Promise<{ reservedSkus: string[] }> {
  const lines = aggregateLines(command.pricing.lines);
  await deps.inventory.reserve(command.checkoutId, lines);
  return { reservedSkus: lines.map((line) => line.sku) };
}
