import { TransientError } from '../errors.js';

/**
 * Reading DynamoDB's refusals. Errors are recognised by `name`, which is what the SDK sets from the service's error
 * type; that holds whichever copy of the SDK a bundle carries.
 */

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Cancellation codes that mean "try again": contention or throttling, not a refused condition. */
const RETRYABLE_CANCELLATION_CODES = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * For a cancelled transaction, the reason code of each action, in the order the actions were sent (`'None'` for an
 * action that was fine); `undefined` for any other error. A cancellation caused by contention is rethrown as a
 * `TransientError`, so the caller's retry policy handles it and callers only ever see refused conditions here.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  if (codes.some((code) => RETRYABLE_CANCELLATION_CODES.has(code))) {
    throw new TransientError('A DynamoDB transaction met contention; retry', { cause: error });
  }
  return codes;
}

export const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailed';
