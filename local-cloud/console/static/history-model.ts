/**
 * What an execution's history (GetExecutionHistory in its JSON wire shape) says about each state: entered and exited
 * times, input and output, every attempt of a task with its error, the result the graph colours it by, and the edges
 * the execution took. It is the one reading of a history: `npm run saga` (tools/saga-report.ts) lays its text report
 * out from these runs too, so the console and the text report cannot disagree. Pure and browser-safe (it imports only
 * from this folder): unit-tested in Node (test/unit/console/history-model.test.ts), served to the browser compiled by
 * esbuild (../server.ts).
 * History events: https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 */

import {
  allNodes,
  type GraphEdge,
  type GraphNode,
  mapScope,
  ROOT_SCOPE,
  type StateMachineGraph,
} from './graph-model.js';

/**
 * How a state ended, as the graph colours it: `succeeded` (it exited normally); `caught` (its last attempt failed and
 * a Catch took the execution on: a saga's failing step); `failed` (it failed the execution, or is a Fail state);
 * `running` (entered, not exited yet); `aborted` (the execution stopped while it ran).
 */
export type StateResult = 'succeeded' | 'caught' | 'failed' | 'running' | 'aborted';

interface Attempt {
  /** Epoch milliseconds. */
  readonly scheduledAt: number;
  /**
   * How long Retry waited between the end of the failed attempt before this one (its start, if it never ended) and
   * this one's scheduling; `undefined` for a first attempt. The history records no retry event of its own, so the wait
   * is read from the gap between the two attempts' events.
   */
  retryWaitMs: number | undefined;
  endedAt: number | undefined;
  outcome: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  error: string | undefined;
  cause: string | undefined;
}

/** One visit of a state (a state entered twice, in a loop or a Map, has two). */
export interface StateRun {
  readonly name: string;
  /** The ASL state type, from the event type (`TaskStateEntered` → `Task`). */
  readonly type: string;
  /** How many Parallel or Map states it runs inside. */
  readonly depth: number;
  /** Epoch milliseconds. */
  readonly enteredAt: number;
  exitedAt: number | undefined;
  /**
   * Epoch milliseconds of the last event read while this was the innermost state open (its own exit, a child's entry,
   * the execution's end): where a state that never exited stopped.
   */
  lastEventAt: number;
  readonly input: string | undefined;
  output: string | undefined;
  aborted: boolean;
  readonly attempts: Attempt[];
  result: StateResult;
}

/** What the console shows of a state: its last visit, with how many visits there were and its last failure. */
export interface StateSummary extends StateRun {
  readonly visits: number;
  /** More than one attempt: Retry ran it again. */
  readonly retried: boolean;
  readonly error: string | undefined;
  readonly cause: string | undefined;
}

/**
 * A history event as the JSON protocol sends it (`timestamp` in epoch seconds), or as an SDK gives it (a Date): an
 * SDK `HistoryEvent` is one. Its other `…EventDetails` members are read by name suffix, so no index signature (which an
 * SDK interface would not satisfy) is needed.
 */
export interface WireHistoryEvent {
  readonly id?: number | undefined;
  readonly previousEventId?: number | undefined;
  readonly type?: string | undefined;
  readonly timestamp?: number | string | Date | undefined;
  readonly stateEnteredEventDetails?: unknown;
  readonly stateExitedEventDetails?: unknown;
}

const SCHEDULED = /^(Task|LambdaFunction|Activity)Scheduled$/;
const SUCCEEDED = /^(Task|LambdaFunction|Activity)Succeeded$/;
const FAILED = /^(Task|LambdaFunction|Activity)(Failed|StartFailed|SubmitFailed|ScheduleFailed)$/;
const TIMED_OUT = /^(Task|LambdaFunction|Activity)TimedOut$/;

/**
 * The state visits of a history, in the order they were entered, each with its result. `executionStatus`
 * (DescribeExecution's) decides what was still open when the history ends.
 */
export function stateRunsOf(history: readonly WireHistoryEvent[], executionStatus: string | undefined): StateRun[] {
  const events = [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const runs: StateRun[] = [];
  const open: StateRun[] = [];
  for (const event of events) {
    const type = event.type ?? '';
    const at = millis(event.timestamp) ?? 0;
    const current = open.at(-1);
    if (current) current.lastEventAt = at;
    if (type.endsWith('StateEntered')) {
      const details = event.stateEnteredEventDetails as { name?: string; input?: string } | undefined;
      const run: StateRun = {
        name: details?.name ?? '?',
        type: type.slice(0, -'StateEntered'.length),
        depth: open.length,
        enteredAt: at,
        exitedAt: undefined,
        lastEventAt: at,
        input: details?.input,
        output: undefined,
        aborted: false,
        attempts: [],
        result: 'running',
      };
      runs.push(run);
      open.push(run);
    } else if (type.endsWith('StateExited')) {
      const details = event.stateExitedEventDetails as { name?: string; output?: string } | undefined;
      const index = open.findLastIndex((run) => run.name === details?.name);
      const run = open[index];
      if (run) {
        run.exitedAt = at;
        run.output = details?.output;
        open.splice(index);
      }
    } else if (type.endsWith('StateAborted')) {
      const run = open.pop();
      if (run) run.aborted = true;
    } else if (current && SCHEDULED.test(type)) {
      current.attempts.push({
        scheduledAt: at,
        retryWaitMs: undefined,
        endedAt: undefined,
        outcome: 'RUNNING',
        error: undefined,
        cause: undefined,
      });
    } else if (current && (SUCCEEDED.test(type) || FAILED.test(type) || TIMED_OUT.test(type))) {
      const attempt = current.attempts.findLast((candidate) => candidate.outcome === 'RUNNING');
      if (!attempt) continue;
      attempt.endedAt = at;
      if (SUCCEEDED.test(type)) {
        attempt.outcome = 'SUCCEEDED';
        continue;
      }
      attempt.outcome = TIMED_OUT.test(type) ? 'TIMED_OUT' : 'FAILED';
      const failure = failureOf(event);
      attempt.error = failure.error;
      attempt.cause = failure.cause;
    } else if (type.startsWith('Execution') && type !== 'ExecutionStarted') {
      // The execution ended: whatever is still open stopped with it.
      open.length = 0;
    }
  }
  runs.forEach((run, index) => {
    run.result = resultOf(run, runs[index + 1], executionStatus);
    // Read once every attempt has its end: an end event is matched to the latest attempt still running.
    run.attempts.forEach((attempt, attemptIndex) => {
      const previous = run.attempts[attemptIndex - 1];
      attempt.retryWaitMs =
        previous && previous.outcome !== 'SUCCEEDED'
          ? attempt.scheduledAt - (previous.endedAt ?? previous.scheduledAt)
          : undefined;
    });
  });
  return runs;
}

/** The last visit of every state that ran, by state name. */
export function stateSummaries(runs: readonly StateRun[]): Map<string, StateSummary> {
  const summaries = new Map<string, StateSummary>();
  for (const run of runs) {
    const failure = run.attempts.findLast((attempt) => attempt.error !== undefined || attempt.cause !== undefined);
    summaries.set(run.name, {
      ...run,
      visits: (summaries.get(run.name)?.visits ?? 0) + 1,
      retried: run.attempts.length > 1,
      error: failure?.error,
      cause: failure?.cause,
    });
  }
  return summaries;
}

/**
 * The ids of the edges the execution took. Within each scope (the top level, a Parallel branch, a Map's items): from
 * the scope's Start to its first state; from each state to the next state entered in the same scope (through its
 * Catch edge when the state was caught); and to the scope's End from a last state that exited or is a Fail state.
 */
export function takenEdgeIds(graph: StateMachineGraph, runs: readonly StateRun[]): Set<string> {
  const scopes = scopesOf(graph);
  const scopeOfState = new Map<string, string>();
  for (const [scope, { nodes }] of scopes) for (const node of nodes) scopeOfState.set(node.id, scope);
  const taken = new Set<string>();
  const take = (scope: string, source: string, target: string, caught = false) => {
    const candidates = (scopes.get(scope)?.edges ?? []).filter(
      (edge) => edge.source === source && edge.target === target,
    );
    const edge = candidates.find((candidate) => (candidate.kind === 'catch') === caught) ?? candidates[0];
    if (edge) taken.add(edge.id);
  };
  const last = new Map<string, StateRun>();
  for (const run of runs) {
    const scope = scopeOfState.get(run.name);
    if (scope === undefined) continue;
    const previous = last.get(scope);
    if (previous) take(scope, previous.name, run.name, previous.result === 'caught');
    else take(scope, `${scope}:start`, run.name);
    last.set(scope, run);
  }
  for (const [scope, run] of last) {
    if (run.exitedAt !== undefined || run.type === 'Fail') take(scope, run.name, `${scope}:end`);
  }
  return taken;
}

/** Every scope of the graph with its nodes and edges: the top level, each Parallel branch, each Map's items. */
function scopesOf(graph: StateMachineGraph): Map<string, { nodes: GraphNode[]; edges: GraphEdge[] }> {
  const scopes = new Map([[ROOT_SCOPE, { nodes: graph.nodes, edges: graph.edges }]]);
  for (const node of allNodes(graph)) {
    if (node.type === 'Branch') scopes.set(node.id, { nodes: node.children, edges: node.edges });
    if (node.type === 'Map' && node.children.length > 0) {
      scopes.set(mapScope(node.id), { nodes: node.children, edges: node.edges });
    }
  }
  return scopes;
}

export interface HistoryRow {
  readonly id: number;
  readonly type: string;
  /** The state the event concerns: the one it names, else the innermost one open. */
  readonly state: string;
  /** Milliseconds since the first event. */
  readonly offsetMs: number;
  /** Epoch milliseconds. */
  readonly at: number;
  readonly details: unknown;
}

/** The rows of the history table, one an event in order, as the Step Functions console lists them. */
export function historyRows(history: readonly WireHistoryEvent[]): HistoryRow[] {
  const events = [...history].sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
  const start = millis(events[0]?.timestamp) ?? 0;
  const open: string[] = [];
  return events.map((event) => {
    const type = event.type ?? '';
    const details: unknown = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1];
    const named = (details as { name?: unknown } | undefined)?.name;
    const name = typeof named === 'string' ? named : undefined;
    if (type.endsWith('StateEntered') && name) open.push(name);
    const state = name ?? open.at(-1) ?? '';
    if (type.endsWith('StateExited') || type.endsWith('StateAborted')) open.pop();
    const at = millis(event.timestamp) ?? start;
    return { id: event.id ?? 0, type, state, offsetMs: at - start, at, details };
  });
}

/**
 * How a visit ended as its own events tell it, `next` being the visit entered after it; `undefined` for one that
 * never exited and whose last attempt did not fail, which only the execution's status can tell (the console and the
 * text report word that case differently).
 */
export function settledResultOf(
  run: StateRun,
  next: StateRun | undefined,
): Exclude<StateResult, 'running'> | undefined {
  if (run.aborted) return 'aborted';
  if (run.type === 'Fail') return 'failed';
  const last = run.attempts.at(-1);
  if (last && last.outcome !== 'RUNNING' && last.outcome !== 'SUCCEEDED') {
    // A failed task the execution went on from was caught; otherwise it failed the execution.
    return next && next.depth <= run.depth ? 'caught' : 'failed';
  }
  return run.exitedAt === undefined ? undefined : 'succeeded';
}

function resultOf(run: StateRun, next: StateRun | undefined, executionStatus: string | undefined): StateResult {
  const settled = settledResultOf(run, next);
  if (settled) return settled;
  if (executionStatus === undefined || executionStatus === 'RUNNING') return 'running';
  if (executionStatus === 'ABORTED') return 'aborted';
  return next ? 'succeeded' : 'failed';
}

/** The `error` and `cause` of a failure event, wherever its type keeps them. */
function failureOf(event: WireHistoryEvent): { error: string | undefined; cause: string | undefined } {
  for (const [member, details] of Object.entries(event)) {
    if (!member.endsWith('EventDetails') || typeof details !== 'object' || details === null) continue;
    const { error, cause } = details as { error?: unknown; cause?: unknown };
    if (error !== undefined || cause !== undefined) {
      return {
        error: typeof error === 'string' ? error : undefined,
        cause: typeof cause === 'string' ? cause : undefined,
      };
    }
  }
  return { error: undefined, cause: undefined };
}

/** Epoch milliseconds of a wire timestamp: the JSON protocols send epoch seconds; an SDK gives a Date. */
export function millis(date: number | string | Date | undefined): number | undefined {
  if (date === undefined) return undefined;
  if (date instanceof Date) return date.getTime();
  if (typeof date === 'number') return date * 1000;
  const parsed = Date.parse(date);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** `850 ms`, `2.35 s`, `3 min 05 s`, as `npm run saga` prints durations. */
export function duration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(2)} s`;
  const minutes = Math.floor(value / 60_000);
  const seconds = Math.floor((value % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}
