import { describe, expect, it, vi } from 'vitest';
import { leaseIdOf } from '../../../../functions/provisioning/domain/worker-fleet.js';
import { dispatchWorkerCommand } from '../../../../functions/provisioning/use-cases/dispatch-worker-command.js';
import type { WorkerCommand, WorkerDispatch } from '../../../../shared/contracts/provisioning-worker.js';
import { WorkerFleetBusyError } from '../../../../shared/errors.js';
import { WORKER_DISPATCH } from '../harness.js';
import { held, NOW_MS } from '../worker-fleet-harness.js';
import { inMemoryWorkerFleet } from './in-memory-worker-fleet.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const DISPATCH: WorkerDispatch = WORKER_DISPATCH;
const LEASE_MS = 15_000;

function dispatchWorld(leases: Parameters<typeof inMemoryWorkerFleet>[0] = [], fleetSize = 3) {
  const { fleet, slots } = inMemoryWorkerFleet(leases);
  const sent: WorkerCommand[] = [];
  const queue = { send: async (command: WorkerCommand) => void sent.push(command) };
  const ports = { fleet, queue, clock: () => new Date(NOW_MS), fleetSize, leaseMs: LEASE_MS };
  return { ports, sent, slots };
}

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
