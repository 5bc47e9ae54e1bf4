/**
 * Sends a worker command to the node agents once it holds a slot of the fleet (domain/worker-fleet.ts), so that its
 * task's heartbeat clock never runs while the command waits in the queue behind a burst. With every slot held, it
 * refuses with `WorkerFleetBusyError` and the saga tries again later.
 */
import type { WorkerDispatch, WorkerSlotLease } from '../../../shared/contracts/provisioning-worker.js';
import { WorkerFleetBusyError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { chooseSlot, leaseIdOf } from '../domain/worker-fleet.js';
import type { Clock } from '../ports/clock.js';
import type { WorkerFleet, WorkerQueue } from '../ports/worker-fleet.js';

export interface DispatchWorkerCommandPorts {
  readonly fleet: WorkerFleet;
  readonly queue: WorkerQueue;
  readonly clock: Clock;
  /** Agents in the fleet: as many slots. */
  readonly fleetSize: number;
  /** How long a lease lasts unless the agent renews it: the task's `HeartbeatSeconds`. */
  readonly leaseMs: number;
}

export async function dispatchWorkerCommand(
  dispatch: WorkerDispatch,
  ports: DispatchWorkerCommandPorts,
): Promise<WorkerSlotLease> {
  const leaseId = leaseIdOf(dispatch.taskToken);
  const nowMs = ports.clock().getTime();
  const choice = chooseSlot(ports.fleetSize, await ports.fleet.leases(), leaseId, nowMs);
  const slot = choice.kind === 'held' ? choice.slot : await claimFirstFree(choice.slots, leaseId, nowMs, ports);
  if (slot === undefined) {
    throw new WorkerFleetBusyError(`All ${ports.fleetSize} node agents are busy`, { fleetSize: ports.fleetSize });
  }
  const workerSlot = { slot, leaseId };
  // Sent again if this dispatcher runs again for the same task: the agent is idempotent per task token.
  await ports.queue.send({ ...dispatch, workerSlot });
  logger.info('Worker command dispatched', {
    resourceId: dispatch.resourceId,
    command: dispatch.command,
    slot,
    alreadyHeld: choice.kind === 'held',
  });
  return workerSlot;
}

/** Tries the free slots in order; another dispatcher may take one between the read and the claim. */
async function claimFirstFree(
  slots: readonly string[],
  leaseId: string,
  nowMs: number,
  ports: DispatchWorkerCommandPorts,
): Promise<string | undefined> {
  for (const slot of slots) {
    const claim = await ports.fleet.claim({ slot, leaseId, untilMs: nowMs + ports.leaseMs, nowMs });
    if (claim === 'CLAIMED') return slot;
  }
  return undefined;
}
