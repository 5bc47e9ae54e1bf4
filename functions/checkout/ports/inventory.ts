import type { OrderLine } from '../domain/lines.js';

export type ReleaseOutcome = 'RELEASED' | 'NOTHING_HELD';

/** Stock reservations of checkouts: stock moves from `available` to `reserved` and back, atomically. */
export interface InventoryRepository {
  /**
   * Reserves every line or none. Throws `OutOfStockError` naming every short SKU, or `InvalidCartError` for a SKU
   * that is not in the catalog. Reserving again for the same checkout succeeds without reserving twice.
   */
  reserve(checkoutId: string, lines: readonly OrderLine[]): Promise<void>;
  /** Gives held stock back. A reservation that is missing, already released or committed is left alone. */
  release(checkoutId: string): Promise<ReleaseOutcome>;
}
