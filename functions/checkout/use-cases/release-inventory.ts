import type { ReleaseInventoryCommand } from '../../../shared/contracts/checkout-saga.js';
import type { InventoryRepository } from '../ports/inventory.js';

/**
 * Compensation of ReserveInventory. It releases what the reservation record holds, not what the command says,
 * because the record is what actually moved the stock (and is absent if reserving failed).
 */
export async function releaseInventory(
  command: Pick<ReleaseInventoryCommand, 'checkoutId'>,
  deps: { inventory: InventoryRepository },
): Promise<{ released: boolean }> {
  const outcome = await deps.inventory.release(command.checkoutId);
  return { released: outcome === 'RELEASED' };
}
