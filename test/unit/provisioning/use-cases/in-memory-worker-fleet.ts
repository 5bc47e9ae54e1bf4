import type { SlotLeaseRecord } from '../../../../functions/provisioning/domain/worker-fleet.js';
import type { WorkerFleet } from '../../../../functions/provisioning/ports/worker-fleet.js';

/** The fleet's table in memory, with the conditions of `dynamoWorkerFleet`. */
export function inMemoryWorkerFleet(initial: readonly SlotLeaseRecord[] = []) {
  const slots = new Map(initial.map((lease) => [lease.slot, lease]));
  const fleet: WorkerFleet = {
    leases: async () => [...slots.values()],
    claim: async ({ slot, leaseId, untilMs, nowMs }) => {
      const current = slots.get(slot);
      if (current && current.leasedUntilMs >= nowMs && current.leaseId !== leaseId) return 'TAKEN';
      slots.set(slot, { slot, leaseId, leasedUntilMs: untilMs });
      return 'CLAIMED';
    },
    renew: async ({ slot, leaseId, untilMs }) => {
      if (slots.get(slot)?.leaseId !== leaseId) return 'LOST';
      slots.set(slot, { slot, leaseId, leasedUntilMs: untilMs });
      return 'RENEWED';
    },
    release: async ({ slot, leaseId }) => {
      if (slots.get(slot)?.leaseId !== leaseId) return 'NOT_HELD';
      slots.delete(slot);
      return 'RELEASED';
    },
  };
  return { fleet, slots };
}
