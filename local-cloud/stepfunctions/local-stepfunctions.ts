/**
 * Step Functions for the local cloud: registered state machines, their executions, task tokens, and the
 * `AWSStepFunctions` JSON API (`stepFunctionsApi` in api.ts). Executions run on `aws-local-stepfunctions`; Task states reach the rest
 * of the local cloud through the injected `TaskIntegrations`.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, LOCAL_ACCOUNT_ID } from '../aws-protocol.js';
import type { UsageMeter } from '../metering.js';
import { type PreparedDefinition, prepareDefinition } from './definition.js';
import { InvalidStateMachineConfigError, InvalidTimeScaleError } from './errors.js';
import { Execution, type ExecutionEntry, type RunnableStateMachine, restoredExecution } from './execution.js';
import { decodePageToken, encodePageToken, type HistoryPageRequest } from './history.js';
import type { NestedExecutions } from './nested-executions.js';
import { loadStoredExecutions, storeExecution } from './persistence.js';
import { TaskTokenRegistry, type TokenTask } from './task-tokens.js';
import type { ExecutionRecord, ExecutionStatus, HistoryEvent, StateMachineConfig, TaskIntegrations } from './types.js';

export interface LocalStepFunctionsOptions {
  integrations: TaskIntegrations;
  /** Counts what Step Functions bills: state transitions (Standard), requests and GB-seconds (Express). */
  meter?: Pick<UsageMeter, 'add'>;
  /** Directory where closed executions are kept across restarts; none by default. */
  persistDir?: string;
  log?: (line: string) => void;
  /** Replaces every Retry pause with this many milliseconds (jitter included). For tests; AWS timing by default. */
  retryIntervalOverrideMs?: number;
  /** Replaces every Wait state's duration with this many milliseconds. For tests; AWS timing by default. */
  waitOverrideMs?: number;
  /**
   * Multiplies every Task's HeartbeatSeconds (at least 1 s remains), so a missed heartbeat is noticed in seconds in
   * tests; the template is unchanged. @default 1
   */
  heartbeatTimeoutScale?: number;
  /**
   * Multiplies every wait before a Retry, as if each retrier's `IntervalSeconds` and `MaxDelaySeconds` were scaled:
   * backoff and jitter keep their shape, so the same retries happen in the same order, sooner. The template is
   * unchanged; `retryIntervalOverrideMs` wins where both are set. @default 1
   */
  retryIntervalScale?: number;
}

/** DescribeStateMachine's view of a registered machine (dates in epoch milliseconds). */
export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  type: StateMachineConfig['type'];
  /** DELETING once DeleteStateMachine was called while executions still ran; it goes when the last one closes. */
  status: 'ACTIVE' | 'DELETING';
  definition: string;
  roleArn: string;
  creationDate: number;
  loggingConfiguration: Record<string, unknown>;
  tracingConfiguration: { enabled: boolean };
}

/** StartExecution's request members. */
export interface StartExecutionRequest {
  stateMachineArn: string;
  /** Defaults to a UUID. */
  name?: string;
  /** JSON text; defaults to `{}`. */
  input?: string;
}

interface RegisteredStateMachine extends RunnableStateMachine {
  config: StateMachineConfig;
  prepared: PreparedDefinition;
  description: StateMachineDescription;
}

const MAX_INPUT_BYTES = 256 * 1024;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const DEFAULT_LIST_PAGE_SIZE = 100;

export class LocalStepFunctions {
  private readonly machines = new Map<string, RegisteredStateMachine>();
  private readonly executions = new Map<string, ExecutionEntry>();
  private readonly running = new Set<ExecutionEntry>();
  private readonly pendingWrites = new Set<Promise<void>>();
  private readonly tokens = new TaskTokenRegistry();
  private readonly closedListeners = new Set<(record: ExecutionRecord) => void>();
  /** What `states:startExecution` Tasks call: executions of this same Step Functions. */
  private readonly nested: NestedExecutions = {
    start: (request) => this.startExecution(request),
    whenClosed: async (executionArn) => {
      const execution = this.entry(executionArn);
      await execution.finished;
      return { ...execution.record };
    },
    stop: async (executionArn, request) => {
      await this.entry(executionArn).stop(request);
    },
  };

  constructor(private readonly options: LocalStepFunctionsOptions) {
    const { retryIntervalScale } = options;
    if (retryIntervalScale !== undefined && !(Number.isFinite(retryIntervalScale) && retryIntervalScale > 0)) {
      throw new InvalidTimeScaleError('retryIntervalScale', retryIntervalScale);
    }
    if (options.persistDir !== undefined) {
      for (const { record, events } of loadStoredExecutions(options.persistDir, options.log)) {
        this.executions.set(record.executionArn, restoredExecution(record, events));
      }
    }
  }

  /**
   * Validates and registers a state machine; refuses unsupported features with `UnsupportedAslFeatureError`.
   * Registering an ARN again replaces its definition for new executions (running ones keep theirs) and keeps its
   * creation date.
   */
  addStateMachine(config: StateMachineConfig): void {
    if (!STATE_MACHINE_ARN.test(config.arn) || !config.arn.endsWith(`:stateMachine:${config.name}`)) {
      throw new InvalidStateMachineConfigError(
        `'${config.arn}' is not the ARN of a state machine named '${config.name}'`,
      );
    }
    const prepared = prepareDefinition(config, this.options.integrations);
    const scale = this.options.heartbeatTimeoutScale;
    if (scale !== undefined && scale !== 1) {
      for (const task of prepared.tasks.values()) {
        // Heartbeats read from HeartbeatSecondsPath are only known per attempt: task-attempt.ts scales them then.
        task.heartbeatScale = scale;
        if (task.heartbeatSeconds !== undefined) {
          task.heartbeatSeconds = Math.max(1, Math.round(task.heartbeatSeconds * scale));
        }
      }
    }
    const roleArn = config.roleArn ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${config.name}-role`;
    this.machines.set(config.arn, {
      config,
      prepared,
      arn: config.arn,
      name: config.name,
      roleArn,
      description: {
        stateMachineArn: config.arn,
        name: config.name,
        type: config.type,
        status: 'ACTIVE',
        definition: JSON.stringify(config.definition),
        roleArn,
        creationDate: this.machines.get(config.arn)?.description.creationDate ?? Date.now(),
        loggingConfiguration: config.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: config.tracingEnabled ?? false },
      },
    });
  }

  /** Validates a definition as `addStateMachine` does, registering nothing; throws the same errors. */
  checkDefinition(config: StateMachineConfig): void {
    prepareDefinition(config, this.options.integrations);
  }

  /**
   * DeleteStateMachine: a machine without running executions goes at once; one with running executions turns
   * DELETING (no new execution starts) and goes when the last one closes, as on AWS. An unknown ARN is no error.
   */
  deleteStateMachine(stateMachineArn: string): void {
    checkArn(stateMachineArn);
    const machine = this.machines.get(stateMachineArn);
    if (machine === undefined) return;
    machine.description.status = 'DELETING';
    this.removeIfDeleted(stateMachineArn);
  }

  /** StartExecution. A STANDARD name is idempotent while its execution runs with the same input, like AWS. */
  startExecution(request: StartExecutionRequest): { executionArn: string; startDate: number } {
    const { record } = this.launch(request);
    return { executionArn: record.executionArn, startDate: record.startDate };
  }

  /** StartSyncExecution (EXPRESS only): runs to the end and answers with the outcome. */
  async startSyncExecution(request: StartExecutionRequest): Promise<ExecutionRecord> {
    if (this.machine(request.stateMachineArn).config.type !== 'EXPRESS') {
      throw new AwsServiceError('StateMachineTypeNotSupported', 'StartSyncExecution supports EXPRESS machines only');
    }
    const execution = this.launch(request);
    await execution.finished;
    return { ...execution.record };
  }

  describeExecution(executionArn: string): ExecutionRecord {
    return { ...this.execution(executionArn).record };
  }

  /** ListExecutions, newest first. */
  listExecutions(request: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }): { executions: ExecutionRecord[]; nextToken?: string } {
    const machine = this.machine(request.stateMachineArn);
    refuseExpress(machine.config.type);
    const matching = [...this.executions.values()]
      .map((execution) => execution.record)
      .filter((record) => record.stateMachineArn === machine.arn)
      .filter((record) => request.statusFilter === undefined || record.status === request.statusFilter)
      .reverse()
      .sort((a, b) => b.startDate - a.startDate);
    const { items, nextToken } = paginate(matching, `executions:${machine.arn}:${request.statusFilter ?? ''}`, request);
    return { executions: items, nextToken };
  }

  getExecutionHistory(
    executionArn: string,
    request: HistoryPageRequest = {},
  ): { events: HistoryEvent[]; nextToken?: string } {
    return this.execution(executionArn).history.page(executionArn, request);
  }

  /** StopExecution: a running execution ends ABORTED; a closed one is left as it is. */
  async stopExecution(request: {
    executionArn: string;
    error?: string;
    cause?: string;
  }): Promise<{ stopDate: number }> {
    const execution = this.execution(request.executionArn);
    await execution.stop({ error: request.error, cause: request.cause });
    return { stopDate: execution.record.stopDate ?? Date.now() };
  }

  sendTaskSuccess(taskToken: string, output: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new AwsServiceError('InvalidOutput', 'Invalid output: not valid JSON');
    }
    this.tokens.complete(taskToken, { kind: 'success', output: parsed });
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.tokens.complete(taskToken, { kind: 'failure', error, cause });
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.tokens.heartbeat(taskToken);
  }

  /** The state and input of the task waiting on an open token (for callback faults); none once it closed. */
  callbackTask(taskToken: string): TokenTask | undefined {
    return this.tokens.taskOf(taskToken);
  }
  /** The state machine a task token's execution belongs to (IAM authorizes `SendTask*` against it). */
  stateMachineOfTaskToken(taskToken: string): string | undefined {
    return this.tokens.stateMachineOf(taskToken);
  }

  /** Resolves once the token was answered or its task gave up on it. */
  whenTaskTokenClosed(taskToken: string): Promise<void> {
    return this.tokens.whenClosed(taskToken);
  }

  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    return this.machine(stateMachineArn).description;
  }

  listStateMachines(request: { maxResults?: number; nextToken?: string } = {}): {
    stateMachines: StateMachineDescription[];
    nextToken?: string;
  } {
    const { items, nextToken } = paginate(
      [...this.machines.values()].map((machine) => machine.description),
      'stateMachines',
      request,
    );
    return { stateMachines: items, nextToken };
  }

  describeStateMachineForExecution(executionArn: string): StateMachineDescription {
    return this.machine(this.execution(executionArn).record.stateMachineArn).description;
  }

  /**
   * Calls `listener` with the record of every execution that closes from now on, until the returned function is
   * called. For in-process observers (benchmarks, a console's live view) that must not poll the API.
   */
  onExecutionClosed(listener: (record: ExecutionRecord) => void): () => void {
    this.closedListeners.add(listener);
    return () => this.closedListeners.delete(listener);
  }

  /** Resolves once no execution runs and every closed one is persisted. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0 || this.pendingWrites.size > 0) {
      await Promise.all([...[...this.running].map((execution) => execution.finished), ...this.pendingWrites]);
    }
  }

  /** Aborts every running execution (persisted as ABORTED when `persistDir` is set) and waits for them. */
  async stop(): Promise<void> {
    await Promise.all([...this.running].map((execution) => execution.stop({ cause: 'The local cloud stopped' })));
    await this.whenIdle();
  }

  /** Starts an execution, or finds the running one that a repeated STANDARD name and input designate. */
  private launch(request: StartExecutionRequest): ExecutionEntry {
    const machine = this.machine(request.stateMachineArn);
    if (machine.description.status === 'DELETING') {
      throw new AwsServiceError('StateMachineDeleting', `State Machine is being deleted: '${machine.arn}'`);
    }
    const name = request.name ?? randomUUID();
    checkExecutionName(name);
    const input = normalizeInput(request.input);
    const isStandard = machine.config.type === 'STANDARD';
    const executionArn = isStandard
      ? `${executionArnPrefix(machine.arn, 'execution')}:${name}`
      : `${executionArnPrefix(machine.arn, 'express')}:${name}:${randomUUID()}`;
    const existing = this.executions.get(executionArn);
    if (existing !== undefined) {
      if (existing.record.status === 'RUNNING' && existing.record.input === input) return existing;
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      stateMachineType: machine.config.type,
      name,
      status: 'RUNNING',
      input,
      startDate: Date.now(),
    };
    const execution = Execution.start(record, machine, {
      integrations: this.options.integrations,
      nested: this.nested,
      tokens: this.tokens,
      log: this.options.log,
      retryIntervalOverrideMs: this.options.retryIntervalOverrideMs,
      retryIntervalScale: this.options.retryIntervalScale,
      waitOverrideMs: this.options.waitOverrideMs,
      onClosed: (closed) => this.closeExecution(closed),
    });
    this.running.add(execution);
    this.executions.set(executionArn, execution);
    return execution;
  }

  private closeExecution(execution: ExecutionEntry): void {
    this.running.delete(execution);
    const { record } = execution;
    this.removeIfDeleted(record.stateMachineArn);
    this.options.log?.(
      `[stepfunctions] ${record.executionArn} ${record.status}${record.error ? ` (${record.error})` : ''}`,
    );
    this.meterClosed(execution);
    for (const listener of this.closedListeners) listener({ ...record });
    const directory = this.options.persistDir;
    if (directory === undefined || record.stateMachineType === 'EXPRESS') return;
    const write = storeExecution(directory, { record: { ...record }, events: [...execution.history.all()] })
      .catch((error: unknown) =>
        this.options.log?.(`[stepfunctions] could not persist ${record.executionArn}: ${String(error)}`),
      )
      .finally(() => this.pendingWrites.delete(write));
    this.pendingWrites.add(write);
  }

  /**
   * Standard: one transition per state executed, plus one per retry (a Task scheduled again within one entry of its
   * state). Express: the execution, and its duration in 100 ms steps at the 64 MB AWS bills at least.
   */
  private meterClosed(execution: ExecutionEntry): void {
    const meter = this.options.meter;
    if (!meter) return;
    const { record } = execution;
    if (record.stateMachineType === 'EXPRESS') {
      const billedSeconds = Math.ceil(((record.stopDate ?? Date.now()) - record.startDate) / 100) / 10;
      meter.add('stepfunctions.express.requests');
      meter.add('stepfunctions.express.gbSeconds', (64 / 1024) * billedSeconds);
      return;
    }
    let transitions = 0;
    let scheduledInState = 0;
    for (const event of execution.history.all()) {
      if (event.type.endsWith('StateEntered')) {
        transitions += 1;
        scheduledInState = 0;
      } else if (event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled') {
        scheduledInState += 1;
        if (scheduledInState > 1) transitions += 1;
      }
    }
    meter.add('stepfunctions.standard.transitions', transitions);
  }

  /** Drops a DELETING machine once none of its executions runs. */
  private removeIfDeleted(stateMachineArn: string): void {
    if (this.machines.get(stateMachineArn)?.description.status !== 'DELETING') return;
    for (const execution of this.running) if (execution.record.stateMachineArn === stateMachineArn) return;
    this.machines.delete(stateMachineArn);
  }

  private machine(stateMachineArn: string): RegisteredStateMachine {
    checkArn(stateMachineArn);
    const machine = this.machines.get(stateMachineArn);
    if (machine === undefined) {
      throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    }
    return machine;
  }

  private execution(executionArn: string): ExecutionEntry {
    const execution = this.entry(executionArn);
    // AWS keeps no execution history for EXPRESS workflows (they log to CloudWatch Logs instead).
    refuseExpress(execution.record.stateMachineType);
    return execution;
  }

  /** Any execution, EXPRESS ones included: for the engine's own use, not the API's. */
  private entry(executionArn: string): ExecutionEntry {
    checkArn(executionArn);
    const execution = this.executions.get(executionArn);
    if (execution === undefined) {
      throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return execution;
  }
}

function refuseExpress(type: StateMachineConfig['type']): void {
  if (type === 'EXPRESS') {
    throw new AwsServiceError(
      'StateMachineTypeNotSupported',
      'This operation is not supported by EXPRESS state machines',
    );
  }
}

function checkArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(stateMachine|execution|express):/.test(arn)) {
    throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
  }
}

function executionArnPrefix(stateMachineArn: string, kind: 'execution' | 'express'): string {
  return stateMachineArn.replace(':stateMachine:', `:${kind}:`);
}

/** AWS: 1-80 characters, none of whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
function checkExecutionName(name: string): void {
  const forbidden = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;
  const hasControl = [...name].some((char) => {
    const code = char.charCodeAt(0);
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
  if (name.length < 1 || name.length > 80 || forbidden.test(name) || hasControl) {
    throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
  }
}

/** Validates an execution input and gives it the canonical form idempotency compares. */
function normalizeInput(input: string | undefined): string {
  if (input === undefined) return '{}';
  if (Buffer.byteLength(input) > MAX_INPUT_BYTES) {
    throw new AwsServiceError('InvalidExecutionInput', 'Input exceeds the maximum size of 262144 bytes');
  }
  try {
    return JSON.stringify(JSON.parse(input));
  } catch {
    throw new AwsServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
  }
}

function paginate<T>(
  all: T[],
  scope: string,
  request: { maxResults?: number; nextToken?: string },
): { items: T[]; nextToken?: string } {
  const pageSize =
    request.maxResults === undefined || request.maxResults === 0 ? DEFAULT_LIST_PAGE_SIZE : request.maxResults;
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 1000) {
    throw new AwsServiceError('ValidationException', 'maxResults must be between 0 and 1000');
  }
  const start = request.nextToken === undefined ? 0 : decodePageToken(request.nextToken, scope);
  const items = all.slice(start, start + pageSize);
  const next = start + pageSize;
  return next < all.length ? { items, nextToken: encodePageToken(scope, next) } : { items };
}
