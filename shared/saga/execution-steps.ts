/**
 * The steps a saga went through, read from its Step Functions execution history: what `GET /checkouts/{id}` and
 * `GET /resources/{id}` show. Pure: no AWS imports; the adapters pass the SDK's history events through unchanged.
 */

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

type SagaStepStatus = 'RUNNING' | 'RETRIED' | 'SUCCEEDED' | 'FAILED';

export interface SagaStep {
  readonly name: string;
  readonly status: SagaStepStatus;
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
 * The saga's steps: one line per attempt of each Task state, compensations included. A failed attempt followed by
 * another attempt of the same state entry was retried (`RETRIED`); the last attempt shows how the step ended.
 * Ordered by time.
 */
export function sagaStepsOf(history: readonly ExecutionHistoryEvent[]): SagaStep[] {
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

function statusOf(attempt: Attempt, attempts: readonly Attempt[]): SagaStepStatus {
  if (attempt.outcome !== 'FAILED') return attempt.outcome;
  const retried = attempts.some((other) => other.entry === attempt.entry && other.order > attempt.order);
  return retried ? 'RETRIED' : 'FAILED';
}

function isoTime(timestamp: Date | string | undefined): string {
  if (timestamp === undefined) return new Date(0).toISOString();
  const date = timestamp instanceof Date ? timestamp : new Date(timestamp);
  return Number.isNaN(date.getTime()) ? String(timestamp) : date.toISOString();
}
