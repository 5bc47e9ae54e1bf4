/** How the local e2e run scales AWS's timers (global-setup), for the scenarios that reason about them. */
import { tuning } from '../../../lib/config/tuning.js';

/** A silent worker is noticed after 5 s instead of 15 s; the simulated agent still heartbeats every second. */
export const E2E_HEARTBEAT_TIMEOUT_SCALE = 0.34;

/** What a retrier waits in all, unjittered: IntervalSeconds × BackoffRate^n for each retry, capped by MaxDelaySeconds. */
function totalWaitSeconds(policy: (typeof tuning.retry)[keyof typeof tuning.retry]): number {
  let total = 0;
  for (let retry = 0; retry < policy.maxAttempts; retry++) {
    total += Math.min(policy.intervalSeconds * policy.backoffRate ** retry, policy.maxDelaySeconds);
  }
  return total;
}

/**
 * How much shorter the sagas' Retry waits are (0.4), so retried steps (the fault matrices' every fault, the e2e
 * suite's replaced workers and declined-then-retried calls) finish sooner; every wait shrinks alike, so the same
 * retries happen in the same order. Its floor is the retrier that waits out an idempotency record left IN_PROGRESS by
 * a lost answer (the fault matrices inject them): that record frees itself only when the lost attempt's invocation
 * would have timed out, a function timeout this scale does not shorten. The retrier's waits add up to three times that
 * timeout (30 s, tuning.ts); scaled, they must still outlast it, or the saga would compensate a step that was about
 * to succeed and a test would fail for the scale, not for the app. They outlast it by a fifth (12 s against 10 s).
 */
export const E2E_RETRY_INTERVAL_SCALE =
  (1.2 * tuning.lambda.defaultTimeoutSeconds) / totalWaitSeconds(tuning.retry.inProgress);
