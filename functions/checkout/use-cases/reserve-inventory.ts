import type { ReserveInventoryCommand } from '../../../shared/contracts/checkout-saga.js';
import { InvalidCartError, OutOfStockError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { aggregateLines } from '../domain/lines.js';
import { explainRefusedReservation } from '../domain/reservation.js';
import type { CatalogRepository } from '../ports/catalog.js';
import type { InventoryRepository } from '../ports/inventory.js';

export interface ReserveInventoryPorts {
  readonly inventory: InventoryRepository;
  /** Read after a refusal, to tell a missing product from short stock: it must read consistently. */
  readonly catalog: Pick<CatalogRepository, 'getProducts'>;
}

/**
 * Holds the priced lines' stock for this checkout, all or nothing. A refusal fails the step with `OutOfStockError`
 * naming every short SKU, or `InvalidCartError` naming products that do not exist; a second attempt for the same
 * checkout succeeds without reserving twice.
 */
export async function reserveInventory(
  command: ReserveInventoryCommand,
  ports: ReserveInventoryPorts,
): Promise<{ reservedSkus: string[] }> {
  const lines = aggregateLines(command.pricing.lines);
  const outcome = await ports.inventory.reserve(command.checkoutId, lines);
  if (outcome.kind === 'ALREADY_RESERVED') {
    logger.info('Stock was already reserved for this checkout', { checkoutId: command.checkoutId });
  }
  if (outcome.kind === 'REFUSED') {
    // The store tells which lines it refused, not why: the catalog does.
    const stock = await ports.catalog.getProducts(lines.map((line) => line.sku));
    const { shortSkus, unknownSkus } = explainRefusedReservation(lines, stock, outcome.rejectedSkus);
    if (unknownSkus.length > 0) {
      throw new InvalidCartError(`The cart holds products that do not exist: ${unknownSkus.join(', ')}`, {
        skus: unknownSkus,
      });
    }
    throw new OutOfStockError(shortSkus);
  }
  return { reservedSkus: lines.map((line) => line.sku) };
}
