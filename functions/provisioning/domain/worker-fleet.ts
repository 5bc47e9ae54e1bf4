/**
 * The worker fleet's slots. A command goes to the node agents only while it holds one of the fleet's slots, so it
 * never waits in the worker queue while its task's heartbeat clock runs: `HeartbeatSeconds` then measures the agent,
 * not the queue (docs/adr/0017-worker-slots.md). A slot is held by a lease that lasts one heartbeat period from its
 * last renewal, so an agent that dies frees its slot when Step Functions presumes it dead.
 * Pure: no AWS, no clock.
 */
import { createHash } from 'node:crypto';

/** A slot as the fleet's table holds it while a command holds it; a free slot has no record. */
export interface SlotLeaseRecord {
  readonly slot: string;
  readonly leaseId: string;
  readonly leasedUntilMs: number;
}

/** `slot-000` … : one per agent of the fleet. */
export function slotIds(fleetSize: number): string[] {
  if (!Number.isInteger(fleetSize) || fleetSize < 1) {
    throw new RangeError(`A worker fleet needs at least one agent, not ${fleetSize}`);
  }
  return Array.from({ length: fleetSize }, (_, index) => `slot-${String(index).padStart(3, '0')}`);
}

/**
 * One lease per task token: a dispatcher run again for the same task (its answer was lost) finds the slot it already
 * holds instead of taking a second one. A retried task gets a new token, so a new lease.
 */
export function leaseIdOf(taskToken: string): string {
  return createHash('sha256').update(taskToken).digest('hex').slice(0, 32);
}

export type SlotChoice =
  /** This lease holds a slot already. */
  | { readonly kind: 'held'; readonly slot: string }
  /** The free slots to try, in order; none means the fleet is busy. */
  | { readonly kind: 'free'; readonly slots: readonly string[] };

/**
 * Where a command may go. Expired leases count as free. Each lease starts at its own place among the free slots (from
 * its id), so concurrent dispatchers spread over them instead of all racing for the first.
 */
export function chooseSlot(
  fleetSize: number,
  leases: readonly SlotLeaseRecord[],
  leaseId: string,
  nowMs: number,
): SlotChoice {
  const live = leases.filter((lease) => lease.leasedUntilMs > nowMs);
  const own = live.find((lease) => lease.leaseId === leaseId);
  if (own) return { kind: 'held', slot: own.slot };
  const taken = new Set(live.map((lease) => lease.slot));
  const free = slotIds(fleetSize).filter((slot) => !taken.has(slot));
  if (free.length === 0) return { kind: 'free', slots: [] };
  const start = Number.parseInt(leaseId.slice(0, 8), 16) % free.length;
  return { kind: 'free', slots: [...free.slice(start), ...free.slice(0, start)] };
}
