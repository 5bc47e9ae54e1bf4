/**
 * How a checkout's outcome is described to its customer: the failure code and message of a failed saga, and the
 * steps the saga went through, read from the Step Functions execution history. Pure: no AWS imports.
 */
import { CHECKOUT_FAILURE_CODES, type CheckoutFailureCode } from '../../../shared/errors.js';
import { type CaughtFailure, parseLambdaErrorCause } from '../../../shared/saga/caught-failure.js';
import { type ExecutionHistoryEvent, type SagaStep, sagaStepsOf } from '../../../shared/saga/execution-steps.js';

export type { CaughtFailure, ExecutionHistoryEvent };

export interface CheckoutFailure {
  readonly code: CheckoutFailureCode;
  readonly message: string;
}

/** Shown for anything unexpected, so that stack traces, table names and SDK messages never reach a customer. */
export const INTERNAL_FAILURE_MESSAGE =
  'The checkout could not be completed because of an internal error. Please try again.';

/** Used when a known failure arrives without a readable cause (it should not, but the customer still deserves words). */
const DEFAULT_MESSAGES: Readonly<Record<Exclude<CheckoutFailureCode, 'INTERNAL'>, string>> = {
  OUT_OF_STOCK: 'Some items in the cart are out of stock',
  PAYMENT_DECLINED: 'The payment was declined',
  INVALID_CART: 'The cart cannot be checked out',
};

/** Longer messages are cut: they end up in an API response, an event and a customer's e-mail. */
const MAX_MESSAGE_LENGTH = 500;

export function checkoutFailureOf(failure: CaughtFailure): CheckoutFailure {
  const cause = parseLambdaErrorCause(failure.Cause);
  // Lambda reports the error class as `Error`; the cause's `errorType` says the same and is the fallback.
  const code = CHECKOUT_FAILURE_CODES[failure.Error] ?? (cause?.errorType && CHECKOUT_FAILURE_CODES[cause.errorType]);
  if (!code || code === 'INTERNAL') return { code: 'INTERNAL', message: INTERNAL_FAILURE_MESSAGE };
  const message = cause?.errorMessage?.trim() || DEFAULT_MESSAGES[code];
  return { code, message: message.slice(0, MAX_MESSAGE_LENGTH) };
}

export type CheckoutStep = SagaStep;

/**
 * The saga's steps for the checkout view: one line per attempt of each Task state, compensations included. A failed
 * attempt followed by another attempt of the same state entry was retried (`RETRIED`); the last attempt shows how
 * the step ended. Ordered by time. The rules are shared with every saga (`shared/saga/execution-steps.ts`).
 */
export function checkoutStepsOf(history: readonly ExecutionHistoryEvent[]): CheckoutStep[] {
  return sagaStepsOf(history);
}
