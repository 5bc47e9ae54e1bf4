/** The simulated node agent: carries out the plan the domain picks for a worker command. */
import type { WorkerCommand } from '../../../shared/contracts/provisioning-worker.js';
import { logger } from '../../../shared/powertools/index.js';
import { planFor, type WorkerTiming } from '../domain/node-agent.js';
import type { TaskCallbackReceipt, TaskCallbacks, Timer } from '../ports/node-agent.js';

export interface NodeAgentPorts {
  readonly callbacks: TaskCallbacks;
  readonly timer: Timer;
  readonly timing: WorkerTiming;
}

/**
 * `SILENT`: nothing was sent on purpose. `ANSWERED`: Step Functions took the answer. `TASK_GONE`: the saga gave up on
 * the task before the agent answered; there is nobody to tell, so the message succeeds all the same.
 */
export type NodeAgentOutcome = 'SILENT' | 'ANSWERED' | 'TASK_GONE';

export async function runNodeAgentCommand(command: WorkerCommand, ports: NodeAgentPorts): Promise<NodeAgentOutcome> {
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
    if (slice.heartbeat && (await ports.callbacks.heartbeat(command.taskToken)) === 'TASK_GONE') {
      return taskGone(fields, 'heartbeat');
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

function taskGone(fields: Record<string, string>, call: string): 'TASK_GONE' {
  // Warn, not error: this is the saga's timeout doing its job (a slow agent), not a fault of this message.
  logger.warn('The saga no longer waits on this task (timed out or unknown token); the work is abandoned', {
    ...fields,
    call,
  });
  return 'TASK_GONE';
}
