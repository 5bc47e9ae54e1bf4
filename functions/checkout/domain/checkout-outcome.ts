/**
 * How a checkout's outcome is described to its customer: the failure code and message of a failed saga, and the
 * steps the saga went through, read from the Step Functions execution history. Pure: no AWS imports.
 */
import { CHECKOUT_FAILURE_CODES, type CheckoutFailureCode } from '../../../shared/errors.js';

/** A step failure as the state machine's Catch records it: `Cause` is the Lambda error as a JSON string. */
export interface CaughtFailure {
  readonly Error: string;
  readonly Cause?: string | undefined;
}

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

interface LambdaErrorCause {
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** `Cause` is JSON for Lambda errors but free text for others (`States.Timeout`), and may be absent. */
function parseLambdaErrorCause(cause: string | undefined): LambdaErrorCause | undefined {
  if (!cause) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { errorType, errorMessage } = parsed as Record<string, unknown>;
    return {
      ...(typeof errorType === 'string' ? { errorType } : {}),
      ...(typeof errorMessage === 'string' ? { errorMessage } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The part of a Step Functions history event these rules read; structurally compatible with the SDK's `HistoryEvent`,
 * so the adapter passes events through unchanged.
 */
export interface ExecutionHistoryEvent {
  readonly id?: number | undefined;
  readonly previousEventId?: number | undefined;
  readonly type?: string | undefined;
  readonly timestamp?: Date | string | undefined;
  readonly stateEnteredEventDetails?: { readonly name?: string | undefined } | undefined;
}

export type CheckoutStepStatus = 'RUNNING' | 'RETRIED' | 'SUCCEEDED' | 'FAILED';

export interface CheckoutStep {
  readonly name: string;
  readonly status: CheckoutStepStatus;
  /** ISO time of the attempt's outcome (or of its start while it runs). */
  readonly at: string;
}

// Task states invoke Lambda through the optimised integration (Task*), the legacy Lambda ARN resource (LambdaFunction*)
// or an activity (Activity*). Each "scheduled" event starts one attempt; a Retry schedules another.
const ATTEMPT_STARTED = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);
const ATTEMPT_SUCCEEDED = new Set(['TaskSucceeded', 'LambdaFunctionSucceeded', 'ActivitySucceeded']);
const ATTEMPT_FAILED = new Set([
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'TaskStateAborted',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'ActivityFailed',
  'ActivityTimedOut',
  'ActivityScheduleFailed',
]);

interface Attempt {
  readonly stateName: string;
  /** Which entry into the state this attempt belongs to: attempts of one entry are retries of each other. */
  readonly entry: number;
  readonly order: number;
  outcome: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  at: string;
}

/**
 * The saga's steps for the checkout view: one line per attempt of each Task state, compensations included. A failed
 * attempt followed by another attempt of the same state entry was retried (`RETRIED`); the last attempt shows how
 * the step ended. Ordered by time.
 */
export function checkoutStepsOf(history: readonly ExecutionHistoryEvent[]): CheckoutStep[] {
  const events = [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  // Each event belongs to the state whose "entered" event starts its chain of previousEventId links.
  const entryOfEvent = new Map<number, { stateName: string; entry: number }>();
  const attemptOfEvent = new Map<number, Attempt>();
  const attempts: Attempt[] = [];
  let lastTaskEntry: { stateName: string; entry: number } | undefined;
  let entries = 0;

  for (const event of events) {
    const type = event.type ?? '';
    const previous = event.previousEventId === undefined ? undefined : entryOfEvent.get(event.previousEventId);
    if (type === 'TaskStateEntered') {
      entries += 1;
      lastTaskEntry = { stateName: event.stateEnteredEventDetails?.name ?? 'Unknown', entry: entries };
      if (event.id !== undefined) entryOfEvent.set(event.id, lastTaskEntry);
      continue;
    }
    if (type.endsWith('StateEntered')) {
      // Pass, Choice, Parallel... states are not steps; their events must not be taken for a task's.
      lastTaskEntry = undefined;
      continue;
    }
    // Without previousEventId links (some emulators omit them) the latest task entry owns the event.
    const owner = previous ?? (event.previousEventId === undefined ? lastTaskEntry : undefined);
    if (!owner) continue;
    if (event.id !== undefined) entryOfEvent.set(event.id, owner);
    const at = isoTime(event.timestamp);
    if (ATTEMPT_STARTED.has(type)) {
      const attempt: Attempt = { ...owner, order: attempts.length, outcome: 'RUNNING', at };
      attempts.push(attempt);
      if (event.id !== undefined) attemptOfEvent.set(event.id, attempt);
      continue;
    }
    const attempt = findAttempt(event, attemptOfEvent) ?? latestRunningAttempt(attempts, owner);
    if (event.id !== undefined && attempt) attemptOfEvent.set(event.id, attempt);
    if (attempt?.outcome !== 'RUNNING') continue;
    if (ATTEMPT_SUCCEEDED.has(type)) {
      attempt.outcome = 'SUCCEEDED';
      attempt.at = at;
    } else if (ATTEMPT_FAILED.has(type)) {
      attempt.outcome = 'FAILED';
      attempt.at = at;
    }
  }

  return attempts
    .map((attempt) => ({ attempt, status: statusOf(attempt, attempts) }))
    .sort((a, b) => a.attempt.at.localeCompare(b.attempt.at) || a.attempt.order - b.attempt.order)
    .map(({ attempt, status }) => ({ name: attempt.stateName, status, at: attempt.at }));
}

function findAttempt(event: ExecutionHistoryEvent, attemptOfEvent: Map<number, Attempt>): Attempt | undefined {
  return event.previousEventId === undefined ? undefined : attemptOfEvent.get(event.previousEventId);
}

function latestRunningAttempt(attempts: readonly Attempt[], owner: { entry: number }): Attempt | undefined {
  return attempts.findLast((attempt) => attempt.entry === owner.entry && attempt.outcome === 'RUNNING');
}

function statusOf(attempt: Attempt, attempts: readonly Attempt[]): CheckoutStepStatus {
  if (attempt.outcome !== 'FAILED') return attempt.outcome;
  const retried = attempts.some((other) => other.entry === attempt.entry && other.order > attempt.order);
  return retried ? 'RETRIED' : 'FAILED';
}

function isoTime(timestamp: Date | string | undefined): string {
  if (timestamp === undefined) return new Date(0).toISOString();
  const date = timestamp instanceof Date ? timestamp : new Date(timestamp);
  return Number.isNaN(date.getTime()) ? String(timestamp) : date.toISOString();
}
