/**
 * The simulated node agent's behaviour: what it does with a worker command, decided from the command alone, so the
 * same command always gets the same plan (and the same node id and address) however often it is delivered.
 * Pure: no AWS, no clock; the use case carries the plan out.
 */
import { createHash } from 'node:crypto';
import {
  type DestroyedNode,
  PROVISIONING_FAILED_ERROR,
  type ProvisionedNode,
  type WorkerCommand,
} from '../../../shared/contracts/provisioning-worker.js';

/** The agent never answers nor heartbeats: the saga's `HeartbeatSeconds` must fire. */
export const HANG_FLAVOR = 'vm.test-hang';
/** The agent reports `ProvisioningFailedError`: the saga must compensate. */
export const FAIL_FLAVOR = 'vm.test-fail';

/**
 * How long a failure or a destroy takes: long enough that the saga really waits on its task token, short enough to
 * keep tests quick. Never longer than the configured work, so `WORKER_DURATION_MS=0` makes every answer immediate.
 */
export const SHORT_DELAY_MS = 500;

export interface WorkerTiming {
  /** How long a successful provision works (WORKER_DURATION_MS). */
  readonly durationMs: number;
  /** Heartbeat period while it works (WORKER_HEARTBEAT_MS); must stay under the task's `HeartbeatSeconds`. */
  readonly heartbeatMs: number;
}

/** One stretch of work: optionally tell Step Functions the agent is alive, then wait. */
export interface WorkSlice {
  readonly heartbeat: boolean;
  readonly waitMs: number;
}

type TaskAnswer =
  | { readonly outcome: 'success'; readonly output: ProvisionedNode | DestroyedNode }
  | { readonly outcome: 'failure'; readonly error: string; readonly cause: string };

export type AgentPlan =
  /** Neither answer nor heartbeat. The message still succeeds: redelivering it would change nothing. */
  | { readonly kind: 'silent'; readonly reason: string }
  | { readonly kind: 'answer'; readonly work: readonly WorkSlice[]; readonly answer: TaskAnswer };

export function planFor(command: WorkerCommand, timing: WorkerTiming): AgentPlan {
  const shortDelayMs = Math.min(SHORT_DELAY_MS, timing.durationMs);
  if (command.command === 'destroy') {
    // Destroying is always possible, whatever the flavor: the compensation of a hung or failed node must not hang.
    return { kind: 'answer', work: briefly(shortDelayMs), answer: { outcome: 'success', output: { destroyed: true } } };
  }
  if (command.flavor === HANG_FLAVOR) {
    return { kind: 'silent', reason: `flavor ${HANG_FLAVOR} never answers` };
  }
  if (command.flavor === FAIL_FLAVOR) {
    return {
      kind: 'answer',
      work: briefly(shortDelayMs),
      answer: {
        outcome: 'failure',
        error: PROVISIONING_FAILED_ERROR,
        cause: `The node agent could not provision ${command.srn}: flavor ${FAIL_FLAVOR} always fails (simulated)`,
      },
    };
  }
  return {
    kind: 'answer',
    work: workSlices(timing),
    answer: { outcome: 'success', output: provisionedNode(command.resourceId) },
  };
}

/**
 * A heartbeat as soon as the work starts (the task's heartbeat clock has been running since the message was sent),
 * then one every `heartbeatMs` until `durationMs` has passed. 2500 ms of work with a 1000 ms period is
 * heartbeat, 1000, heartbeat, 1000, heartbeat, 500, answer.
 */
export function workSlices(timing: WorkerTiming): WorkSlice[] {
  const slices: WorkSlice[] = [];
  for (let doneMs = 0; doneMs < timing.durationMs; doneMs += timing.heartbeatMs) {
    slices.push({ heartbeat: true, waitMs: Math.min(timing.heartbeatMs, timing.durationMs - doneMs) });
  }
  return slices;
}

/**
 * Short work: a heartbeat as it starts (every command tells Step Functions, and its slot, that an agent took it),
 * then the delay.
 */
function briefly(delayMs: number): WorkSlice[] {
  return delayMs > 0 ? [{ heartbeat: true, waitMs: delayMs }] : [];
}

/** The same resource always lands on the same node with the same address, so a re-run of the saga agrees with itself. */
export function provisionedNode(resourceId: string): ProvisionedNode {
  const digest = createHash('sha256').update(resourceId).digest();
  return {
    nodeId: `node-${digest.subarray(0, 6).toString('hex')}`,
    // 10.0.0.0/8 is private; the last octet avoids 0 (network) and 255 (broadcast).
    ipAddress: `10.${digest[6]}.${digest[7]}.${((digest[8] ?? 0) % 254) + 1}`,
  };
}

/**
 * Reads the timing from the environment's strings. Refuses nonsense rather than working forever or heartbeating in a
 * tight loop: a zero heartbeat period would never advance.
 */
export function parseWorkerTiming(durationMs: string, heartbeatMs: string): WorkerTiming {
  const duration = Number(durationMs);
  const heartbeat = Number(heartbeatMs);
  if (!Number.isInteger(duration) || duration < 0) {
    throw new RangeError(`WORKER_DURATION_MS must be a whole number of milliseconds >= 0, not "${durationMs}"`);
  }
  if (!Number.isInteger(heartbeat) || heartbeat <= 0) {
    throw new RangeError(`WORKER_HEARTBEAT_MS must be a whole number of milliseconds > 0, not "${heartbeatMs}"`);
  }
  return { durationMs: duration, heartbeatMs: heartbeat };
}
