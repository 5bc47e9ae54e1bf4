/** Capacity per region and flavor (CAPACITY_TABLE_NAME, `<region>#<flavor>`), seeded; `used <= total` always. */
import type { HoldOutcome, ReleaseOutcome } from './tenant-quotas.js';

export interface CapacityPool {
  /**
   * Takes one slot of the flavor in the region and records it on the resource, atomically. Throws
   * `CapacityUnavailableError` when none is free (or the region does not offer the flavor).
   */
  reserve(request: { resourceId: string; region: string; flavor: string }): Promise<HoldOutcome>;
  /** Gives back the slot the resource holds, if any. */
  release(resourceId: string): Promise<ReleaseOutcome>;
}
