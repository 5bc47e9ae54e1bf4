/**
 * Turns the interpreter's event log into AWS history events. The interpreter reports state transitions (entered,
 * exited, failed, retried, Map iterations); the task runner records the Task* / LambdaFunction* events itself, and the
 * execution records the Execution* events, so those interpreter events are not translated here.
 */
import type { ExecutionHistory } from './history.js';

interface InterpreterStateData {
  name: string;
  type: string;
  input: unknown;
  output?: unknown;
}

/** The structural subset of `aws-local-stepfunctions` event logs this module reads. */
export interface InterpreterEvent {
  type: string;
  timestamp: number;
  state?: InterpreterStateData;
  parentState?: InterpreterStateData;
  index?: number;
}

/** State types that have a `<Type>StateAborted` history event. */
const ABORTABLE_STATE_TYPES = new Set(['Task', 'Wait', 'Map', 'Parallel']);
const COMPOSITE_STATE_TYPES = new Set(['Map', 'Parallel']);

export class HistoryTranslator {
  /** States entered and not yet left, by name and Map iteration, to report them aborted when the execution stops. */
  private readonly openStates = new Map<string, string>();
  private readonly failedComposites = new Set<string>();
  /** The `<Type>StateEntered` event id of each state entered, by name and Map iteration. */
  private readonly enteredEventIds = new Map<string, number>();
  private failure: FailedState | undefined;

  constructor(
    private readonly history: ExecutionHistory,
    private readonly mapPaths: ReadonlyMap<string, { inputPath?: string; itemsPath?: string }>,
  ) {}

  translate(event: InterpreterEvent): void {
    const { state, timestamp } = event;
    switch (event.type) {
      case 'StateEntered':
        if (state !== undefined) this.entered(state, stateKey(state, event.index), timestamp);
        break;
      case 'StateExited':
        if (state !== undefined) this.exited(state, stateKey(state, event.index), timestamp);
        break;
      case 'StateFailed':
        if (state !== undefined) this.failed(state, stateKey(state, event.index), timestamp);
        break;
      case 'StateRetried':
        if (state !== undefined && ABORTABLE_STATE_TYPES.has(state.type)) {
          const key = stateKey(state, event.index);
          this.openStates.set(key, state.type);
          this.failedComposites.delete(key);
        }
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.history.append(event.type, { name: event.parentState?.name, index: event.index }, timestamp);
        break;
    }
  }

  /**
   * The state whose failure failed the execution: the last one that failed, or, when a Map or Parallel fails, the
   * state inside it that failed, if any (AWS names that state in a `States.Runtime` cause).
   */
  get failedState(): FailedState | undefined {
    return this.failure;
  }

  /** Records `<Type>StateAborted` for every state still running when the execution is stopped. */
  abortOpenStates(): void {
    for (const type of this.openStates.values()) this.history.append(`${type}StateAborted`);
    this.openStates.clear();
  }

  private entered(state: InterpreterStateData, key: string, timestamp: number): void {
    const { name, type, input } = state;
    this.history.append(
      `${type}StateEntered`,
      { name, input: toJson(input), inputDetails: { truncated: false } },
      timestamp,
    );
    this.enteredEventIds.set(key, this.history.all().length);
    if (type === 'Map') this.history.append('MapStateStarted', { length: this.mapLength(name, input) }, timestamp);
    if (type === 'Parallel') this.history.append('ParallelStateStarted', undefined, timestamp);
    if (ABORTABLE_STATE_TYPES.has(type)) this.openStates.set(key, type);
  }

  private exited(state: InterpreterStateData, key: string, timestamp: number): void {
    const { name, type, output } = state;
    if (COMPOSITE_STATE_TYPES.has(type) && !this.failedComposites.delete(key)) {
      this.history.append(`${type}StateSucceeded`, undefined, timestamp);
    }
    this.history.append(
      `${type}StateExited`,
      { name, output: toJson(output), outputDetails: { truncated: false } },
      timestamp,
    );
    this.openStates.delete(key);
  }

  private failed(state: InterpreterStateData, key: string, timestamp: number): void {
    const enteredEventId = this.enteredEventIds.get(key) ?? 0;
    const inner = this.failure !== undefined && this.failure.enteredEventId > enteredEventId;
    if (!COMPOSITE_STATE_TYPES.has(state.type) || !inner) this.failure = { name: state.name, enteredEventId };
    if (COMPOSITE_STATE_TYPES.has(state.type)) {
      this.history.append(`${state.type}StateFailed`, undefined, timestamp);
      this.failedComposites.add(key);
    }
    this.openStates.delete(key);
  }

  /** The iteration count, when InputPath and ItemsPath are plain dotted paths (the common CDK case). */
  private mapLength(stateName: string, input: unknown): number | undefined {
    const paths = this.mapPaths.get(stateName);
    const items = resolveDottedPath(paths?.itemsPath ?? '$', resolveDottedPath(paths?.inputPath ?? '$', input));
    return Array.isArray(items) ? items.length : undefined;
  }
}

export interface FailedState {
  name: string;
  /** The id of its `<Type>StateEntered` event. */
  enteredEventId: number;
}

function stateKey(state: InterpreterStateData, index: number | undefined): string {
  return `${state.name}#${index ?? ''}`;
}

function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function resolveDottedPath(path: string, value: unknown): unknown {
  if (path === '$') return value;
  if (!/^\$(\.[A-Za-z0-9_-]+)+$/.test(path)) return undefined;
  let current = value;
  for (const segment of path.slice(2).split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
