/**
 * One running execution: drives the interpreter, turns its outcome into an AWS status, and writes the history.
 * Never rejects: whatever goes wrong ends the execution FAILED, not the process.
 */
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  type StateMachine,
} from 'aws-local-stepfunctions';
import type { PreparedDefinition } from './definition.js';
import { ExecutionHistory } from './history.js';
import { HistoryTranslator, type InterpreterEvent } from './history-translator.js';
import type { NestedExecutions } from './nested-executions.js';
import { type AttemptHost, type TaskAttempt, taskHandlers } from './task-attempt.js';
import type { TaskTokenRegistry } from './task-tokens.js';
import type { ExecutionRecord, ExecutionStatus, HistoryEvent, TaskIntegrations } from './types.js';

/** A state machine as executions need it. */
export interface RunnableStateMachine {
  arn: string;
  name: string;
  roleArn: string;
  prepared: PreparedDefinition;
}

/** Services an execution borrows from `LocalStepFunctions`. */
export interface ExecutionServices {
  integrations: TaskIntegrations;
  /** Executions of the same Step Functions, for `states:startExecution` Tasks. */
  nested: NestedExecutions;
  tokens: TaskTokenRegistry;
  log?: (line: string) => void;
  retryIntervalOverrideMs?: number;
  retryIntervalScale?: number;
  waitOverrideMs?: number;
  onClosed(execution: ExecutionEntry): void;
}

/** What the API reads from an execution, live or restored from disk. */
export interface ExecutionEntry {
  readonly record: ExecutionRecord;
  readonly history: ExecutionHistory;
  /** Settles (never rejects) once the execution is closed. */
  readonly finished: Promise<void>;
  /** StopExecution: aborts a running execution and resolves once it is closed. */
  stop(request: { error?: string; cause?: string }): Promise<void>;
}

type Outcome = { status: Exclude<ExecutionStatus, 'RUNNING'>; output?: string; error?: string; cause?: string };

/** What the interpreter reports for a Fail state without `Error` / `Cause`; AWS reports no error or cause then. */
const FAIL_STATE_DEFAULT_ERROR = 'FailStateError';
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

/** A closed execution read back from the persistence directory. */
export function restoredExecution(record: ExecutionRecord, events: HistoryEvent[]): ExecutionEntry {
  return { record, history: new ExecutionHistory(events), finished: Promise.resolve(), stop: async () => undefined };
}

export class Execution implements ExecutionEntry, AttemptHost {
  readonly history = new ExecutionHistory();
  readonly finished: Promise<void>;
  private readonly attempts = new Set<TaskAttempt>();
  private readonly translator: HistoryTranslator;
  private abortInterpreter: () => void = () => undefined;
  private stopRequest: { error?: string; cause?: string } | undefined;
  /**
   * The task token of each callback-Task attempt, keyed by that attempt's `$$.State` object: the interpreter gives
   * every state entry and every retry a new one, and each Map iteration or Parallel branch runs with its own.
   */
  private readonly attemptTokens = new WeakMap<object, string>();
  /** Attempts whose handler has started: their Parameters are resolved, so `$$.Task` is gone. */
  private readonly startedAttempts = new WeakSet<object>();
  private readonly callbackStateNames: ReadonlySet<string>;

  /** Starts the execution; `record.input` must be valid JSON. */
  static start(record: ExecutionRecord, machine: RunnableStateMachine, services: ExecutionServices): Execution {
    return new Execution(record, machine, services);
  }

  private constructor(
    readonly record: ExecutionRecord,
    private readonly machine: RunnableStateMachine,
    private readonly services: ExecutionServices,
  ) {
    this.translator = new HistoryTranslator(this.history, machine.prepared.mapPaths);
    this.callbackStateNames = new Set(
      [...machine.prepared.tasks.values()]
        .filter((task) => task.route.pattern === 'waitForTaskToken')
        .map((task) => task.stateName),
    );
    this.history.append(
      'ExecutionStarted',
      { input: record.input, inputDetails: { truncated: false }, roleArn: machine.roleArn },
      record.startDate,
    );
    this.finished = this.run().catch((error: unknown) => {
      this.services.log?.(`[stepfunctions] ${record.executionArn} crashed: ${describe(error)}`);
      this.close({ status: 'FAILED', error: 'States.Runtime', cause: describe(error) });
    });
  }

  get integrations(): TaskIntegrations {
    return this.services.integrations;
  }

  get roleArn(): string {
    return this.machine.roleArn;
  }

  get nested(): NestedExecutions {
    return this.services.nested;
  }

  get tokens(): TaskTokenRegistry {
    return this.services.tokens;
  }

  get log(): ((line: string) => void) | undefined {
    return this.services.log;
  }

  get isClosed(): boolean {
    return this.record.status !== 'RUNNING' || this.stopRequest !== undefined;
  }

  beginAttempt(attempt: object | undefined): string {
    if (attempt === undefined) return this.tokens.issue(this.record.stateMachineArn);
    this.startedAttempts.add(attempt);
    return this.attemptToken(attempt);
  }

  /**
   * `$$.Task` as AWS gives it: only to a `.waitForTaskToken` Task while its Parameters are resolved, that is before
   * its handler starts; elsewhere the context object has no Task member, so `$$.Task.Token` selects nothing.
   */
  private contextTask(attempt: unknown): { Token: string } | undefined {
    if (typeof attempt !== 'object' || attempt === null || this.startedAttempts.has(attempt)) return undefined;
    const stateName = (attempt as { Name?: unknown }).Name;
    if (typeof stateName !== 'string' || !this.callbackStateNames.has(stateName)) return undefined;
    return { Token: this.attemptToken(attempt) };
  }

  private attemptToken(attempt: object): string {
    let token = this.attemptTokens.get(attempt);
    if (token === undefined) {
      token = this.tokens.issue(this.record.stateMachineArn);
      this.attemptTokens.set(attempt, token);
    }
    return token;
  }

  track(attempt: TaskAttempt): void {
    this.attempts.add(attempt);
  }

  untrack(attempt: TaskAttempt): void {
    this.attempts.delete(attempt);
  }

  async stop(request: { error?: string; cause?: string }): Promise<void> {
    if (!this.isClosed) {
      this.stopRequest = request;
      // Abort first: the interpreter then settles as aborted before the cancelled attempts unwind it as failed.
      this.abortInterpreter();
      this.cancelAttempts();
    }
    await this.finished;
  }

  private async run(): Promise<void> {
    const input = JSON.parse(this.record.input) as Parameters<StateMachine['run']>[0];
    const started = this.machine.prepared.interpreter.run(input, this.runOptions(input));
    this.abortInterpreter = started.abort;
    const drained = this.drain(started.eventLogs);
    const outcome = await started.result.then(
      (output): Outcome => ({ status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
      (error: unknown) => this.failureOutcome(error),
    );
    // The interpreter settles its result before its event log is read to the end.
    await drained;
    this.close(this.withFailedState(outcome));
  }

  /**
   * The context object (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html).
   * The interpreter (as patched) copies it for each run, Map iteration and Parallel branch, accessors included, and
   * sets `State` on each copy as states are entered and retried; `Task` is an accessor that reads that `State`.
   */
  private runOptions(input: Parameters<StateMachine['run']>[0]): RunOptions {
    const { prepared, arn, name, roleArn } = this.machine;
    const { retryIntervalOverrideMs, retryIntervalScale, waitOverrideMs } = this.services;
    const execution = this;
    return {
      context: {
        Execution: {
          Id: this.record.executionArn,
          Input: input,
          Name: this.record.name,
          RoleArn: roleArn,
          StartTime: new Date(this.record.startDate).toISOString(),
          RedriveCount: 0,
        },
        StateMachine: { Id: arn, Name: name },
        get Task() {
          return execution.contextTask((this as { State?: unknown }).State);
        },
      },
      overrides: {
        taskResourceLocalHandlers: taskHandlers(prepared.tasks, this) as NonNullable<
          RunOptions['overrides']
        >['taskResourceLocalHandlers'],
        waitTimeOverrides: overrideEach(prepared.waitStateNames, waitOverrideMs),
        retryIntervalOverrides: overrideEach(prepared.retryingStateNames, retryIntervalOverrideMs),
        // The interpreter (as patched) scales the wait it computes, after MaxDelaySeconds and jitter.
        retryIntervalScale,
      },
    };
  }

  private async drain(events: AsyncIterable<InterpreterEvent>): Promise<void> {
    try {
      for await (const event of events) this.translator.translate(event);
    } catch (error) {
      this.services.log?.(`[stepfunctions] ${this.record.executionArn}: event log failed: ${describe(error)}`);
    }
  }

  /**
   * AWS opens a `States.Runtime` cause for a path that selects nothing with the state and its entered event:
   * "An error occurred while executing the state 'Name' (entered at the event id #4). The JSONPath ...".
   */
  private withFailedState(outcome: Outcome): Outcome {
    const failed = this.translator.failedState;
    if (outcome.error !== 'States.Runtime' || !outcome.cause?.startsWith('The JSONPath ') || failed === undefined) {
      return outcome;
    }
    const where = `An error occurred while executing the state '${failed.name}' (entered at the event id #${failed.enteredEventId}).`;
    return { ...outcome, cause: `${where} ${outcome.cause}` };
  }

  private failureOutcome(error: unknown): Outcome {
    if (error instanceof ExecutionAbortedError) {
      return { status: 'ABORTED', error: this.stopRequest?.error, cause: this.stopRequest?.cause };
    }
    if (error instanceof ExecutionTimeoutError) {
      return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds' };
    }
    if (error instanceof ExecutionError && error.cause instanceof Error) {
      const { name, message } = error.cause;
      // The interpreter's Task timeout carries its own name as message; AWS reports States.Timeout without a cause.
      const timedOut = name === 'States.Timeout' && message === 'States.Timeout';
      return {
        status: 'FAILED',
        error: name === FAIL_STATE_DEFAULT_ERROR || name === '' ? undefined : name,
        cause: message === FAIL_STATE_DEFAULT_CAUSE || message === '' || timedOut ? undefined : message,
      };
    }
    return { status: 'FAILED', error: 'States.Runtime', cause: describe(error) };
  }

  private close(outcome: Outcome): void {
    if (this.record.status !== 'RUNNING') return;
    Object.assign(this.record, outcome, { stopDate: Date.now() });
    const { error, cause } = outcome;
    switch (outcome.status) {
      case 'SUCCEEDED':
        this.history.append('ExecutionSucceeded', { output: outcome.output, outputDetails: { truncated: false } });
        break;
      case 'FAILED':
        this.history.append('ExecutionFailed', { error, cause });
        break;
      case 'TIMED_OUT':
        this.history.append('ExecutionTimedOut', { error, cause });
        break;
      case 'ABORTED':
        this.translator.abortOpenStates();
        this.history.append('ExecutionAborted', { error, cause });
        break;
    }
    this.history.close();
    // Tasks still parked in branches the interpreter abandoned (a failed Parallel sibling) end with the execution.
    this.cancelAttempts();
    this.services.onClosed(this);
  }

  private cancelAttempts(): void {
    for (const attempt of [...this.attempts]) attempt.cancel();
  }
}

function overrideEach(
  stateNames: readonly string[],
  milliseconds: number | undefined,
): Record<string, number> | undefined {
  if (milliseconds === undefined) return undefined;
  return Object.fromEntries(stateNames.map((stateName) => [stateName, milliseconds]));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
