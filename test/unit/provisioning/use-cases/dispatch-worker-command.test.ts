import { describe, expect, it, vi } from 'vitest';
import { chooseSlot, leaseIdOf, slotIds } from '../../../../functions/provisioning/domain/worker-fleet.js';
import { dispatchWorkerCommand } from '../../../../functions/provisioning/use-cases/dispatch-worker-command.js';
import type { WorkerCommand, WorkerDispatch } from '../../../../shared/contracts/provisioning-worker.js';
import { WorkerFleetBusyError } from '../../../../shared/errors.js';
import { WORKER_DISPATCH } from '../harness.js';
import { inMemoryWorkerFleet } from '../worker/in-memory-worker-fleet.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const DISPATCH: WorkerDispatch = WORKER_DISPATCH;
const NOW_MS = 1_000_000;
const LEASE_MS = 15_000;

function dispatchWorld(leases: Parameters<typeof inMemoryWorkerFleet>[0] = [], fleetSize = 3) {
  const { fleet, slots } = inMemoryWorkerFleet(leases);
  const sent: WorkerCommand[] = [];
  const queue = { send: async (command: WorkerCommand) => void sent.push(command) };
  const ports = { fleet, queue, clock: () => new Date(NOW_MS), fleetSize, leaseMs: LEASE_MS };
  return { ports, sent, slots };
}

const held = (slot: string, leaseId: string, leasedUntilMs = NOW_MS + 1) => ({ slot, leaseId, leasedUntilMs });

describe('worker slots', () => {
  it('names one slot per agent, and refuses a fleet without agents', () => {
    expect(slotIds(3)).toEqual(['slot-000', 'slot-001', 'slot-002']);
    expect(() => slotIds(0)).toThrow(RangeError);
  });

  it('offers the free slots, counting expired leases as free, from a place that depends on the lease', () => {
    // Prepare
    const leases = [held('slot-000', 'a'), held('slot-001', 'b', NOW_MS - 1)];

    // Act
    const choice = chooseSlot(3, leases, leaseIdOf('token-9'), NOW_MS);

    // Assess
    expect(choice.kind).toBe('free');
    expect(choice.kind === 'free' && [...choice.slots].sort()).toEqual(['slot-001', 'slot-002']);
  });

  it('spreads concurrent dispatchers over the free slots instead of sending them all to the first', () => {
    // Act
    const firsts = new Set(
      Array.from({ length: 20 }, (_, index) => {
        const choice = chooseSlot(10, [], leaseIdOf(`token-${index}`), NOW_MS);
        return choice.kind === 'free' ? choice.slots[0] : undefined;
      }),
    );

    // Assess
    expect(firsts.size).toBeGreaterThan(3);
  });

  it('finds the slot a lease holds already', () => {
    expect(chooseSlot(3, [held('slot-002', 'mine')], 'mine', NOW_MS)).toEqual({ kind: 'held', slot: 'slot-002' });
  });
});

describe('dispatchWorkerCommand', () => {
  it('claims a free slot for one heartbeat period and sends the command holding it', async () => {
    // Prepare
    const { ports, sent, slots } = dispatchWorld([held('slot-000', 'other'), held('slot-001', 'other-2')]);

    // Act
    const lease = await dispatchWorkerCommand(DISPATCH, ports);

    // Assess
    expect(lease).toEqual({ slot: 'slot-002', leaseId: leaseIdOf('token-1') });
    expect(slots.get('slot-002')).toEqual({ ...lease, leasedUntilMs: NOW_MS + LEASE_MS });
    expect(sent).toEqual([{ ...DISPATCH, workerSlot: lease }]);
  });

  it('sends nothing and throws WorkerFleetBusyError while every slot is held', async () => {
    // Prepare
    const { ports, sent } = dispatchWorld([held('slot-000', 'a'), held('slot-001', 'b'), held('slot-002', 'c')]);

    // Act & Assess
    await expect(dispatchWorkerCommand(DISPATCH, ports)).rejects.toBeInstanceOf(WorkerFleetBusyError);
    expect(sent).toEqual([]);
  });

  it('takes the next free slot when another dispatcher claims the first between the read and the claim', async () => {
    // Prepare
    const { ports, sent } = dispatchWorld([], 2);
    const claim = ports.fleet.claim;
    let raced = false;
    ports.fleet.claim = async (lease) => {
      if (!raced) {
        raced = true;
        await claim({ ...lease, leaseId: 'the-other-dispatcher' });
      }
      return claim(lease);
    };

    // Act
    const lease = await dispatchWorkerCommand(DISPATCH, ports);

    // Assess
    expect(sent).toHaveLength(1);
    expect(lease.leaseId).toBe(leaseIdOf('token-1'));
  });

  it('sends again under the slot it holds when run again for the same task, taking no second slot', async () => {
    // Prepare
    const { ports, sent, slots } = dispatchWorld();
    const first = await dispatchWorkerCommand(DISPATCH, ports);

    // Act
    const second = await dispatchWorkerCommand(DISPATCH, ports);

    // Assess
    expect(second).toEqual(first);
    expect(slots.size).toBe(1);
    expect(sent).toHaveLength(2);
  });
});
