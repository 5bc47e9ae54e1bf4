/** The simulated node agent: carries out the plan the domain picks for a worker command. */
import type { WorkerCommand } from '../../../shared/contracts/provisioning-worker.js';
import { logger } from '../../../shared/powertools/index.js';
import { planFor, type WorkerTiming } from '../domain/node-agent.js';
import type { Clock } from '../ports/clock.js';
import type { TaskCallbackReceipt, TaskCallbacks, Timer } from '../ports/node-agent.js';
import type { WorkerFleet } from '../ports/worker-fleet.js';

export interface NodeAgentPorts {
  readonly callbacks: TaskCallbacks;
  readonly timer: Timer;
  readonly timing: WorkerTiming;
  /** The slot the command holds (`command.workerSlot`): renewed with each heartbeat, freed once answered. */
  readonly fleet: { readonly slots: WorkerFleet; readonly leaseMs: number; readonly clock: Clock };
}

/**
 * `SILENT`: nothing was sent on purpose. `ANSWERED`: Step Functions took the answer. `TASK_GONE`: the saga gave up on
 * the task before the agent answered; there is nobody to tell, so the message succeeds all the same.
 */
export type NodeAgentOutcome = 'SILENT' | 'ANSWERED' | 'TASK_GONE';

export async function runNodeAgentCommand(command: WorkerCommand, ports: NodeAgentPorts): Promise<NodeAgentOutcome> {
  const outcome = await carryOut(command, ports);
  // A silent (hung) agent keeps its slot, as a real one would, until the lease runs out with the task's heartbeat.
  if (outcome !== 'SILENT' && command.workerSlot) await ports.fleet.slots.release(command.workerSlot);
  return outcome;
}

async function carryOut(command: WorkerCommand, ports: NodeAgentPorts): Promise<NodeAgentOutcome> {
  const fields = {
    srn: command.srn,
    resourceId: command.resourceId,
    command: command.command,
    flavor: command.flavor,
    region: command.region,
  };
  const plan = planFor(command, ports.timing);
  if (plan.kind === 'silent') {
    logger.info('Node agent stays silent (simulated hang)', { ...fields, reason: plan.reason });
    return 'SILENT';
  }

  logger.info('Node agent started', { ...fields, workMs: plan.work.reduce((total, slice) => total + slice.waitMs, 0) });
  for (const slice of plan.work) {
    if (slice.heartbeat) {
      if ((await ports.callbacks.heartbeat(command.taskToken)) === 'TASK_GONE') return taskGone(fields, 'heartbeat');
      await renewSlot(command, ports);
    }
    await ports.timer.sleep(slice.waitMs);
  }

  const { answer } = plan;
  const receipt: TaskCallbackReceipt =
    answer.outcome === 'success'
      ? await ports.callbacks.succeed(command.taskToken, answer.output)
      : await ports.callbacks.fail(command.taskToken, { error: answer.error, cause: answer.cause });
  if (receipt === 'TASK_GONE') return taskGone(fields, answer.outcome);
  logger.info('Node agent answered the saga', {
    ...fields,
    outcome: answer.outcome,
    ...(answer.outcome === 'success' ? { output: answer.output } : { error: answer.error }),
  });
  return 'ANSWERED';
}

/** The agent is alive, so its slot stays taken for one more heartbeat period. */
async function renewSlot(command: WorkerCommand, ports: NodeAgentPorts): Promise<void> {
  if (!command.workerSlot) return;
  const { slots, leaseMs, clock } = ports.fleet;
  const renewal = await slots.renew({ ...command.workerSlot, untilMs: clock().getTime() + leaseMs });
  // Only after a lease expired, which is when the task's heartbeat expired too: the next heartbeat finds it gone.
  if (renewal === 'LOST')
    logger.warn('The worker slot was taken by another command', { slot: command.workerSlot.slot });
}

function taskGone(fields: Record<string, string>, call: string): 'TASK_GONE' {
  // Warn, not error: this is the saga's timeout doing its job (a slow agent), not a fault of this message.
  logger.warn('The saga no longer waits on this task (timed out or unknown token); the work is abandoned', {
    ...fields,
    call,
  });
  return 'TASK_GONE';
}
