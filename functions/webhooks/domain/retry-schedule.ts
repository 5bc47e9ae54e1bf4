/**
 * When a failed delivery is attempted again. Pure: no AWS imports.
 *
 * The delay before attempt n+1 is `firstRetrySeconds × backoffRate^(n−1)`, capped at `maxDelaySeconds` (SQS keeps a
 * message invisible for 12 hours at most), with "equal jitter": half the delay is fixed, the other half random. Equal
 * rather than full jitter so that the whole schedule keeps its length (about a day with the tuning's defaults)
 * while receivers that failed together are not retried together.
 */

export interface RetrySchedule {
  /** Attempts in all, the first included; after the last failed one the delivery goes to the DLQ. */
  readonly maxAttempts: number;
  readonly firstRetrySeconds: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds: number;
}

/**
 * SQS's longest visibility timeout, which is how long the deliverer can put a message aside: "The maximum is 12 hours"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html).
 */
export const SQS_MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/** The delay's upper bound before the attempt after `failedAttempt` (1-based), jitter aside. */
export function retryCeilingSeconds(failedAttempt: number, schedule: RetrySchedule): number {
  const exponential = schedule.firstRetrySeconds * schedule.backoffRate ** (failedAttempt - 1);
  return Math.min(exponential, schedule.maxDelaySeconds, SQS_MAX_VISIBILITY_SECONDS);
}

/**
 * Whole seconds to wait before the attempt after `failedAttempt`, or `undefined` when that was the last one.
 * `random` is in [0, 1).
 */
export function retryDelaySeconds(
  failedAttempt: number,
  schedule: RetrySchedule,
  random: () => number = Math.random,
): number | undefined {
  if (failedAttempt >= schedule.maxAttempts) return undefined;
  const ceiling = retryCeilingSeconds(failedAttempt, schedule);
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}
