/**
 * Which failures are refusals: the input itself is wrong, so no later attempt can succeed and retrying only delays
 * the answer. Queue consumers send a refused message to their DLQ at once, with the reason (`shared/sqs`); anything
 * else (a dependency down, throttling, a duplicate still in progress, a bug) is retried.
 *
 * Its own module rather than a function of `errors.ts`: the domain imports the error classes and must not import
 * Powertools (the layering rules), while this rule needs Powertools' `IdempotencyValidationError`.
 */
import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { AppError, TransientError } from './errors.js';

/**
 * A refusal is an anticipated error that is not transient and that the API would answer with a 4xx (malformed input,
 * unknown or foreign resource, a business rule), or an idempotency key reused with another payload. Transient errors,
 * including a concurrent duplicate still in progress (`IdempotencyAlreadyInProgressError`), are not refusals.
 */
export function isPermanentRefusal(error: unknown): error is Error {
  if (error instanceof IdempotencyValidationError) return true;
  return error instanceof AppError && !(error instanceof TransientError) && error.httpStatus < 500;
}
