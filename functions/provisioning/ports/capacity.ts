/** Capacity per region and flavor (CAPACITY_TABLE_NAME, `<region>#<flavor>`), seeded; `used <= total` always. */
import type { HoldOutcome, ReleaseOutcome } from './tenant-quotas.js';

/**
 * What the store said to taking a slot: `NO_SLOT` when none is free (or the region does not offer the flavor),
 * `RESOURCE_GONE` when the resource does not exist.
 */
export type SlotAttempt = HoldOutcome | 'NO_SLOT' | 'RESOURCE_GONE';

export interface CapacityPool {
  /** Takes one slot of the flavor in the region and records it on the resource, atomically, once per resource. */
  reserve(request: { resourceId: string; region: string; flavor: string }): Promise<SlotAttempt>;
  /** Gives back the slot the resource holds, if any. */
  release(resourceId: string): Promise<ReleaseOutcome>;
}
