/**
 * One attempt of a Task state, run as the interpreter's local handler for that state: records the AWS Task events,
 * enforces heartbeats, parks `.waitForTaskToken` tasks on their token, and unwinds when the execution closes.
 */
import { LOCAL_REGION } from '../aws-protocol.js';
import type { TaskSpec } from './definition.js';
import { ExecutionClosedError, StatesRuntimeError, TaskFailedError } from './errors.js';
import type { ExecutionHistory } from './history.js';
import { awaitNestedExecution, type NestedExecutionStarted } from './nested-executions.js';
import { invokeTaskRoute, type TaskCallTargets } from './task-invocation.js';
import type { TaskTokenRegistry } from './task-tokens.js';

/** What an attempt needs from its execution. */
export interface AttemptHost extends TaskCallTargets {
  readonly history: ExecutionHistory;
  readonly tokens: TaskTokenRegistry;
  /** True once the execution was stopped or ended: no further task work may start. */
  readonly isClosed: boolean;
  /**
   * Marks the attempt whose `$$.State` is `attempt` as started (`$$.Task` is gone from then on) and gives its task
   * token: the one its Parameters read as `$$.Task.Token`, or a new one.
   */
  beginAttempt(attempt: object | undefined): string;
  track(attempt: TaskAttempt): void;
  untrack(attempt: TaskAttempt): void;
}

/** What the (patched) interpreter tells a local handler besides the input. */
export interface LocalTaskCall {
  context: { State?: unknown };
  /** The Task timeout, `TimeoutSecondsPath` resolved. */
  timeoutSeconds: number;
  /** `HeartbeatSeconds`, or `HeartbeatSecondsPath` resolved. */
  heartbeatSeconds?: number;
}

/** The interpreter's local handlers, one per Task state (the interpreter keys them by state name). */
export function taskHandlers(
  tasks: ReadonlyMap<string, TaskSpec>,
  host: AttemptHost,
): Record<string, (input: unknown, call?: LocalTaskCall) => Promise<unknown>> {
  return Object.fromEntries(
    [...tasks.values()].map((spec) => [
      spec.stateName,
      (input: unknown, call?: LocalTaskCall) => {
        const attempt = call?.context.State;
        const isCallback = spec.route.pattern === 'waitForTaskToken';
        const token = isCallback ? host.beginAttempt(isObject(attempt) ? attempt : undefined) : undefined;
        return new TaskAttempt(withResolvedTimeouts(spec, call), host, token).run(input);
      },
    ]),
  );
}

/**
 * `TimeoutSecondsPath` and `HeartbeatSecondsPath` are resolved per attempt by the interpreter, before it calls the
 * handler (a value that is no positive integer fails the state with States.Runtime there).
 */
function withResolvedTimeouts(spec: TaskSpec, call: LocalTaskCall | undefined): TaskSpec {
  if (call === undefined) return spec;
  const timeoutSeconds = spec.timeoutSecondsPath === undefined ? spec.timeoutSeconds : call.timeoutSeconds;
  const heartbeatSeconds =
    spec.heartbeatSecondsPath === undefined ? spec.heartbeatSeconds : scaleHeartbeat(spec, call.heartbeatSeconds);
  return { ...spec, timeoutSeconds, heartbeatSeconds };
}

/** `heartbeatTimeoutScale` applies to resolved heartbeats as to literal ones (at least 1 s remains). */
function scaleHeartbeat(spec: TaskSpec, seconds: number | undefined): number | undefined {
  const scale = spec.heartbeatScale ?? 1;
  return seconds === undefined || scale === 1 ? seconds : Math.max(1, Math.round(seconds * scale));
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

export class TaskAttempt {
  private settled = false;
  private submitted = false;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private interrupt: (reason: Error) => void = () => undefined;
  private readonly interrupted: Promise<never>;
  /** The child a `.sync` `states:startExecution` runs; stopped if this attempt ends before it. */
  private job: NestedExecutionStarted | undefined;

  constructor(
    private readonly spec: TaskSpec,
    private readonly host: AttemptHost,
    private readonly token: string | undefined,
  ) {
    this.interrupted = new Promise<never>((_, reject) => {
      this.interrupt = reject;
    });
    // Observed only through race(); an interruption before the first race must not count as unhandled.
    this.interrupted.catch(() => undefined);
    if (spec.timeoutSeconds !== undefined) {
      // Armed synchronously, just before the interpreter arms its own timer of the same length, so this one fires
      // first: the history shows TaskTimedOut before the interpreter raises its States.Timeout (which Retry/Catch
      // must see as the interpreter's own error, for States.TaskFailed not to match it).
      this.timeoutTimer = setTimeout(() => this.timeOut(), spec.timeoutSeconds * 1000);
    }
    host.track(this);
  }

  async run(input: unknown): Promise<unknown> {
    try {
      // The interpreter's event log reaches the history through microtasks; one macrotask later, the state's
      // StateEntered is recorded, so this attempt's events follow it as on AWS.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.host.isClosed) throw new ExecutionClosedError();
      this.recordScheduled(input);
      if (this.token !== undefined) this.host.tokens.describe(this.token, { state: this.spec.stateName, input });
      this.armHeartbeat();
      let result = await this.race(invokeTaskRoute(this.spec.route, input, this.host));
      if (this.spec.route.pattern === 'waitForTaskToken') {
        this.recordSubmitted(result);
        result = await this.race(this.awaitCallback());
      } else if (this.spec.route.pattern === 'sync') {
        this.recordSubmitted(result);
        result = await this.race(this.awaitJob(result as NestedExecutionStarted));
      }
      this.recordSucceeded(result);
      return result;
    } catch (error) {
      const failure = asTaskFailure(error);
      this.recordFailed(failure);
      throw failure;
    } finally {
      this.finish();
    }
  }

  /** The execution closed: release the token and unwind the interpreter's wait on this attempt. */
  cancel(): void {
    if (this.settled) return;
    this.settle();
    this.interrupt(new ExecutionClosedError());
  }

  private async awaitCallback(): Promise<unknown> {
    const outcome = await this.host.tokens.awaitOutcome(this.token ?? '', () => this.armHeartbeat());
    if (outcome.kind === 'success') return outcome.output;
    throw new TaskFailedError(outcome.error ?? '', outcome.cause ?? '');
  }

  private async awaitJob(started: NestedExecutionStarted): Promise<unknown> {
    this.job = started;
    try {
      return await awaitNestedExecution(this.spec.route, started, this.host.nested);
    } finally {
      // Closed, however it ended: nothing left to stop.
      this.job = undefined;
    }
  }

  private race<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.interrupted]);
  }

  private armHeartbeat(): void {
    const { heartbeatSeconds, route } = this.spec;
    if (heartbeatSeconds === undefined || route.pattern !== 'waitForTaskToken' || this.settled) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.missHeartbeat(), heartbeatSeconds * 1000);
  }

  private missHeartbeat(): void {
    if (this.settled) return;
    this.settle();
    const cause = `No heartbeat within ${this.spec.heartbeatSeconds} seconds`;
    this.recordTimedOut('States.HeartbeatTimeout', cause);
    this.interrupt(new TaskFailedError('States.HeartbeatTimeout', cause));
  }

  private timeOut(): void {
    if (this.settled) return;
    this.settle();
    // AWS gives a Task timeout no cause.
    this.recordTimedOut('States.Timeout', undefined);
    // No interrupt: the interpreter's timer, armed right after this one, raises its own States.Timeout.
  }

  /** The attempt's outcome is decided: stop the clocks and end the token's life. */
  private settle(): void {
    this.settled = true;
    this.finish();
  }

  private finish(): void {
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.heartbeatTimer);
    if (this.token !== undefined) this.host.tokens.close(this.token);
    this.stopJob();
    this.host.untrack(this);
  }

  /** AWS stops a `.sync` child whose parent Task ended first (stopped execution, timeout, heartbeat). */
  private stopJob(): void {
    const job = this.job;
    if (job === undefined) return;
    this.job = undefined;
    this.host.nested
      .stop(job.ExecutionArn, { error: 'States.Aborted', cause: 'The parent Task of this execution ended first' })
      .catch((error: unknown) =>
        this.host.log?.(`[stepfunctions] could not stop ${job.ExecutionArn}: ${String(error)}`),
      );
  }

  private recordScheduled(input: unknown): void {
    const { route, timeoutSeconds, heartbeatSeconds } = this.spec;
    if (route.kind === 'lambdaFunction') {
      this.host.history.append('LambdaFunctionScheduled', {
        resource: route.resource,
        input: toJson(input),
        inputDetails: { truncated: false },
        timeoutInSeconds: timeoutSeconds,
      });
      this.host.history.append('LambdaFunctionStarted');
      return;
    }
    this.host.history.append('TaskScheduled', {
      resourceType: route.resourceType,
      resource: route.resource,
      region: LOCAL_REGION,
      parameters: toJson(input),
      timeoutInSeconds: timeoutSeconds,
      heartbeatInSeconds: heartbeatSeconds,
    });
    this.host.history.append('TaskStarted', { resourceType: route.resourceType, resource: route.resource });
  }

  private recordSubmitted(result: unknown): void {
    // A send that returns after the task timed out must not add events behind TaskTimedOut.
    if (this.settled) return;
    this.submitted = true;
    const { resourceType, resource } = this.spec.route;
    this.host.history.append('TaskSubmitted', {
      resourceType,
      resource,
      output: toJson(result),
      outputDetails: { truncated: false },
    });
  }

  private recordSucceeded(result: unknown): void {
    if (this.settled) return;
    this.settle();
    const { kind, resourceType, resource } = this.spec.route;
    const output = { output: toJson(result), outputDetails: { truncated: false } };
    if (kind === 'lambdaFunction') this.host.history.append('LambdaFunctionSucceeded', output);
    else this.host.history.append('TaskSucceeded', { resourceType, resource, ...output });
  }

  private recordFailed(failure: Error): void {
    if (this.settled) return;
    this.settle();
    if (failure instanceof ExecutionClosedError) return;
    const { kind, pattern, resourceType, resource } = this.spec.route;
    const details = { error: failure.name || undefined, cause: failure.message || undefined };
    if (kind === 'lambdaFunction') this.host.history.append('LambdaFunctionFailed', details);
    else if (pattern === 'waitForTaskToken' && !this.submitted) {
      this.host.history.append('TaskSubmitFailed', { resourceType, resource, ...details });
    } else this.host.history.append('TaskFailed', { resourceType, resource, ...details });
  }

  private recordTimedOut(error: string, cause: string | undefined): void {
    const { kind, resourceType, resource } = this.spec.route;
    if (kind === 'lambdaFunction') this.host.history.append('LambdaFunctionTimedOut', { error, cause });
    else this.host.history.append('TaskTimedOut', { resourceType, resource, error, cause });
  }
}

/** Anything else thrown here is a fault of the local cloud, reported as the generic Task failure. */
function asTaskFailure(error: unknown): Error {
  if (
    error instanceof TaskFailedError ||
    error instanceof ExecutionClosedError ||
    error instanceof StatesRuntimeError
  ) {
    return error;
  }
  return new TaskFailedError('States.TaskFailed', error instanceof Error ? error.message : String(error));
}

function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}
