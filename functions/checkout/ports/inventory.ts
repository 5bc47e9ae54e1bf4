import type { OrderLine } from '../domain/lines.js';

type ReleaseOutcome = 'RELEASED' | 'NOTHING_HELD';

/** What the store said to a reservation; the use case explains a refusal. */
export type ReserveOutcome =
  | { readonly kind: 'RESERVED' }
  /** An earlier attempt for this checkout already holds the stock. */
  | { readonly kind: 'ALREADY_RESERVED' }
  /** Nothing was reserved: these SKUs' conditions failed (missing product or short stock; the store does not say). */
  | { readonly kind: 'REFUSED'; readonly rejectedSkus: readonly string[] };

/** Stock reservations of checkouts: stock moves from `available` to `reserved` and back, atomically. */
export interface InventoryRepository {
  /** Reserves every line or none, once per checkout. */
  reserve(checkoutId: string, lines: readonly OrderLine[]): Promise<ReserveOutcome>;
  /** Gives held stock back. A reservation that is missing, already released or committed is left alone. */
  release(checkoutId: string): Promise<ReleaseOutcome>;
}
