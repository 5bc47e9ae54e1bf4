/**
 * A saga's Step Functions execution status, as the GET of a checkout or a resource reads it to catch a saga that died
 * without its outcome step recording why. Pure: no AWS imports; the adapters narrow the SDK's status string to this.
 */

/** Step Functions' execution statuses; PENDING_REDRIVE is a failed execution that may be redriven. */
export type SagaExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

const ENDED_UNSUCCESSFULLY: ReadonlySet<SagaExecutionStatus> = new Set([
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
]);

/**
 * Whether the execution ended without succeeding. While the record it belongs to still says the saga runs, this means
 * the saga died without its outcome step recording why (a compensation itself failed, or the execution timed out):
 * the view shows it FAILED rather than running forever. `undefined` (no execution, or none read) is not an ending.
 */
export function endedUnsuccessfully(status: SagaExecutionStatus | undefined): boolean {
  return status !== undefined && ENDED_UNSUCCESSFULLY.has(status);
}
