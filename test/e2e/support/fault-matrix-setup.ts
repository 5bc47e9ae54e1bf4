/**
 * The fault matrices' own local cloud (checkout and provisioning), booted with their faults (they hit only their
 * sagas, by correlation ID).
 * A project of its own, beside unit, local-cloud and infra in `npm test`'s first stream: its sagas mostly wait (on
 * retries and on idempotency records locked by a lost answer), so they cost little CPU, and they do not lengthen
 * the end-to-end stream, whose files run one at a time. It is only ever a local target: faults are the local cloud's.
 */
import type { TestProject } from 'vitest/node';
import { tuning } from '../../../lib/config/tuning.js';
import { MATRIX_FAULT_TARGETS } from './fault-matrix.js';
import { startLocalTarget } from './global-setup.js';
import { PROVISIONING_MATRIX_TARGETS } from './provisioning-fault-matrix.js';

/** What a retrier waits in all, unjittered: IntervalSeconds × BackoffRate^n for each retry, capped by MaxDelaySeconds. */
function totalWaitSeconds(policy: (typeof tuning.retry)[keyof typeof tuning.retry]): number {
  let total = 0;
  for (let retry = 0; retry < policy.maxAttempts; retry++) {
    total += Math.min(policy.intervalSeconds * policy.backoffRate ** retry, policy.maxDelaySeconds);
  }
  return total;
}

/**
 * How much shorter the sagas' Retry waits are here (0.4). The provisioning lifecycles spend most of their time waiting
 * before retries; the scale shortens every one alike. (The checkout matrix gains little: its last wait is EventBridge
 * retrying a refused event until it dead-letters, which `retryBaseDelayMs` governs, not this.) Its floor is the retrier that waits out an idempotency record left
 * IN_PROGRESS by a lost answer: that record frees itself only when the lost attempt's invocation would have timed out,
 * a function timeout this scale does not shorten. The retrier's waits add up to three times that timeout (30 s,
 * tuning.ts); scaled, they must still outlast it, or the saga would compensate a step that was about to succeed and
 * the matrix would fail for the scale, not for the app. They outlast it by a fifth here (12 s against 10 s).
 */
const RETRY_INTERVAL_SCALE = (1.2 * tuning.lambda.defaultTimeoutSeconds) / totalWaitSeconds(tuning.retry.inProgress);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { cloud, target } = await startLocalTarget({
    faults: { seed: 'fault-matrix', rates: {}, targets: [...MATRIX_FAULT_TARGETS, ...PROVISIONING_MATRIX_TARGETS] },
    retryIntervalScale: RETRY_INTERVAL_SCALE,
  });
  project.provide('target', target);
  return () => cloud.stop();
}
