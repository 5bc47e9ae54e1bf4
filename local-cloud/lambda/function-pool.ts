/**
 * The execution environments of one function: warm ones are reused, new ones cold start while the function has
 * fewer than its bound, and each invocation is logged with Lambda's START / END / REPORT platform lines.
 *
 * As on Lambda, an environment serves one invocation at a time. Unlike Lambda, a function may run at most
 * `maxEnvironments` environments at once on this machine: an invocation beyond that waits (in order) for one of
 * them to be handed back, instead of starting another worker that the shared cores could not run any sooner. The
 * wait comes before the invocation starts, so the function's timeout does not run while it waits; to the caller it
 * is just a slower start. Reserved concurrency and the account limit count waiting invocations too, as they count
 * every invocation in flight on Lambda.
 *
 * Cold starts also take their turn at the host's cold-start gate. An invocation waiting for its turn takes an
 * environment of its function that another invocation hands back first: on this shared CPU that is sooner than a
 * cold start.
 */

import type { RequestListener } from 'node:http';
import type { UsageMeter } from '../metering.js';
import { type ColdStartGate, type ColdStartTicket, coldStartGate } from './cold-start-gate.js';
import type { ConcurrencyAccount } from './concurrency.js';
import { buildEnvironment, newLogStreamName } from './environment.js';
import type { ThrottleReason } from './errors.js';
import { InvocationLog } from './invocation-log.js';
import { type InvocationRequest, Sandbox, type SandboxOutcome } from './sandbox.js';
import type { FunctionSpec, FunctionStats, LambdaErrorPayload } from './types.js';

/** An execution slot taken for one invocation, with the environment that will serve it once there is one. */
export interface Reservation {
  readonly environment: Promise<Environment>;
}

interface Environment {
  readonly sandbox: Sandbox;
  readonly cold: boolean;
}

/**
 * An invocation waiting for an environment: either with a cold start of its own queued at the gate (`ticket`), or,
 * when the function is at its bound, for the next environment handed back.
 */
interface Waiter {
  ticket: ColdStartTicket | undefined;
  readonly resolve: (environment: Environment) => void;
  readonly reject: (error: unknown) => void;
}

/** The invocation's outcome, with its log (START to REPORT) for `LogType: Tail`. */
export type ExecutionResult = ({ payloadJson: string } | { error: LambdaErrorPayload; timedOut: boolean }) & {
  readonly log: InvocationLog;
};

export interface FunctionPoolOptions {
  /** Environments this function may run at once on this machine. */
  readonly maxEnvironments: number;
  /** Meters cold starts; the process-wide one unless a test brings its own. */
  readonly gate?: ColdStartGate;
  /** Counts requests and GB-seconds as Lambda bills them. */
  readonly meter?: Pick<UsageMeter, 'add'>;
  /** Where each environment writes its CPU profile when it ends; none when unset. */
  readonly cpuProfileDirectory?: string | undefined;
  /** Serves the environments' requests to their AWS endpoint in-process; over HTTP when unset. */
  readonly awsEndpointListener?: RequestListener | undefined;
}

export class FunctionPool {
  readonly stats: FunctionStats = {
    coldStarts: 0,
    warmStarts: 0,
    invocations: 0,
    errors: 0,
    timeouts: 0,
    throttles: 0,
    concurrentNow: 0,
    maxConcurrentSeen: 0,
  };
  /** Most recently used last: reusing the warmest environment first, as Lambda tends to. */
  private readonly idle: Sandbox[] = [];
  private readonly sandboxes = new Set<Sandbox>();
  /** In arrival order: a handed-back environment goes to the longest-waiting invocation. */
  private readonly waiters: Waiter[] = [];
  /** The log of the invocation each busy environment runs: where the lines it prints belong. */
  private readonly invocationLogs = new Map<Sandbox, InvocationLog>();
  private readonly maxEnvironments: number;
  private readonly gate: ColdStartGate;
  private readonly meter: Pick<UsageMeter, 'add'> | undefined;
  private readonly cpuProfileDirectory: string | undefined;
  private readonly awsEndpointListener: RequestListener | undefined;
  private stopped = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly baseEnvironment: Record<string, string>,
    private readonly account: ConcurrencyAccount,
    /** Receives the function's log lines, already prefixed with its name. */
    private readonly log: (line: string) => void,
    options: FunctionPoolOptions,
  ) {
    if (!Number.isInteger(options.maxEnvironments) || options.maxEnvironments < 1) {
      throw new RangeError(`maxEnvironments must be a positive integer, got ${options.maxEnvironments}`);
    }
    this.maxEnvironments = options.maxEnvironments;
    this.gate = options.gate ?? coldStartGate;
    this.meter = options.meter;
    this.cpuProfileDirectory = options.cpuProfileDirectory;
    this.awsEndpointListener = options.awsEndpointListener;
  }

  /** Takes an execution slot now (never waits), or reports the throttle. */
  tryReserve(): Reservation | { throttled: ThrottleReason } {
    const throttled = this.account.tryAcquire(this.spec, this.stats.concurrentNow);
    if (throttled) {
      this.stats.throttles += 1;
      return { throttled };
    }
    this.stats.concurrentNow += 1;
    this.stats.maxConcurrentSeen = Math.max(this.stats.maxConcurrentSeen, this.stats.concurrentNow);
    const warm = this.idle.pop();
    if (warm) {
      this.stats.warmStarts += 1;
      return { environment: Promise.resolve({ sandbox: warm, cold: false }) };
    }
    return { environment: this.awaitEnvironment() };
  }

  private awaitEnvironment(): Promise<Environment> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { ticket: undefined, resolve, reject };
      this.waiters.push(waiter);
      if (this.environmentsStartedOrQueued() < this.maxEnvironments) this.scheduleColdStart(waiter);
    });
  }

  /** Live environments plus cold starts queued at the gate: what counts against `maxEnvironments`. */
  private environmentsStartedOrQueued(): number {
    return this.sandboxes.size + this.waiters.filter((waiter) => waiter.ticket !== undefined).length;
  }

  private scheduleColdStart(waiter: Waiter): void {
    // The gate calls this in a later microtask at the earliest, so `waiter.ticket` is set by then.
    waiter.ticket = this.gate.schedule(async () => {
      this.leave(waiter);
      if (this.stopped) {
        waiter.reject(new Error('The function stopped before its environment started'));
        return;
      }
      try {
        const sandbox = this.startSandbox();
        this.stats.coldStarts += 1;
        waiter.resolve({ sandbox, cold: true });
        // The gate's slot is held until init is over: that is the work it meters.
        await sandbox.initialized;
      } catch (error) {
        waiter.reject(error);
      }
    });
  }

  private leave(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  /**
   * A reusable environment goes to the longest-waiting invocation: one at the bound, or one whose cold start has
   * not begun yet (which is then cancelled). Only when nobody waits does it go back to idle.
   */
  private handBack(sandbox: Sandbox): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.ticket === undefined || waiter.ticket.cancel()) {
        this.leave(waiter);
        this.stats.warmStarts += 1;
        waiter.resolve({ sandbox, cold: false });
        return;
      }
    }
    this.idle.push(sandbox);
  }

  /** An environment is gone: an invocation waiting at the bound may now cold start one of its own. */
  private replaceLostEnvironment(): void {
    if (this.stopped) return;
    const waiting = this.waiters.find((waiter) => waiter.ticket === undefined);
    if (waiting && this.environmentsStartedOrQueued() < this.maxEnvironments) this.scheduleColdStart(waiting);
  }

  /**
   * Runs one invocation in the reserved environment and gives the slot back. Aborting `crash` kills the environment
   * mid-invocation, as a crash of the runtime would (an injected fault).
   */
  async execute(reservation: Reservation, request: InvocationRequest, crash?: AbortSignal): Promise<ExecutionResult> {
    let sandbox: Sandbox | undefined;
    let cold = false;
    let outcome: SandboxOutcome | undefined;
    let startedAt = performance.now();
    const invocationLog = new InvocationLog();
    const log = (line: string) => {
      this.log(line);
      invocationLog.record(line);
    };
    try {
      const environment = await reservation.environment.catch((error: Error) => error);
      if (environment instanceof Error) {
        // The pool stopped while this invocation waited for an environment.
        outcome = {
          kind: 'fatal',
          error: { errorType: 'Runtime.ExitError', errorMessage: environment.message },
          timedOut: false,
        };
      } else {
        ({ sandbox, cold } = environment);
        const initError = cold ? await sandbox.initialized : undefined;
        startedAt = performance.now();
        log(`START RequestId: ${request.requestId} Version: $LATEST`);
        this.invocationLogs.set(sandbox, invocationLog);
        const running = sandbox;
        const killRunning = () => running.kill('signal: killed (injected fault)');
        if (crash?.aborted) killRunning();
        else crash?.addEventListener('abort', killRunning, { once: true });
        outcome = initError
          ? { kind: 'fatal', error: initError, timedOut: initError.errorType === 'Sandbox.Timedout' }
          : await sandbox.invoke(request, this.spec.timeoutSeconds * 1000);
      }
    } finally {
      if (sandbox) this.invocationLogs.delete(sandbox);
      this.stats.invocations += 1;
      if (sandbox && (outcome?.kind === 'success' || outcome?.kind === 'function-error')) {
        this.handBack(sandbox);
      } else if (sandbox) {
        this.discard(sandbox);
      }
      this.stats.concurrentNow -= 1;
      this.account.release(this.spec);
    }
    const durationMs = performance.now() - startedAt;
    this.report(log, request.requestId, outcome, durationMs, cold ? sandbox?.initDurationMs : undefined);
    if (outcome.kind === 'success') return { payloadJson: outcome.payloadJson, log: invocationLog };
    this.stats.errors += 1;
    const timedOut = outcome.kind === 'fatal' && outcome.timedOut;
    if (timedOut) this.stats.timeouts += 1;
    return { error: outcome.error, timedOut, log: invocationLog };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of [...this.waiters]) {
      if (waiter.ticket === undefined || waiter.ticket.cancel()) {
        this.leave(waiter);
        waiter.reject(new Error('The function stopped before its environment started'));
      }
    }
    const all = [...this.sandboxes];
    this.sandboxes.clear();
    this.idle.length = 0;
    await Promise.all(all.map((sandbox) => sandbox.terminate()));
  }

  private startSandbox(): Sandbox {
    const logStreamName = newLogStreamName();
    const sandbox: Sandbox = new Sandbox({
      spec: this.spec,
      environment: buildEnvironment(this.spec, this.baseEnvironment, logStreamName),
      logStreamName,
      // Lines arrive after the constructor returned (stream events), so `sandbox` is set by then.
      output: (line) => {
        this.log(line);
        this.invocationLogs.get(sandbox)?.record(line);
      },
      cpuProfileDirectory: this.cpuProfileDirectory,
      awsEndpointListener: this.awsEndpointListener,
    });
    this.sandboxes.add(sandbox);
    sandbox.onExit(() => this.forget(sandbox));
    return sandbox;
  }

  private discard(sandbox: Sandbox): void {
    this.forget(sandbox);
    void sandbox.terminate();
  }

  private forget(sandbox: Sandbox): void {
    if (!this.sandboxes.delete(sandbox)) return;
    const index = this.idle.indexOf(sandbox);
    if (index >= 0) this.idle.splice(index, 1);
    this.replaceLostEnvironment();
  }

  private report(
    log: (line: string) => void,
    requestId: string,
    outcome: SandboxOutcome,
    durationMs: number,
    initDurationMs?: number,
  ): void {
    const billedMs = Math.ceil(durationMs + (initDurationMs ?? 0));
    this.meter?.add('lambda.requests');
    this.meter?.add(
      this.spec.architecture === 'arm64' ? 'lambda.arm64.gbSeconds' : 'lambda.x86_64.gbSeconds',
      (this.spec.memorySizeMb / 1024) * (billedMs / 1000),
    );
    const timedOut = outcome.kind === 'fatal' && outcome.timedOut;
    if (timedOut) log(`${new Date().toISOString()} ${requestId} ${outcome.error.errorMessage}`);
    log(`END RequestId: ${requestId}`);
    const fields = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${billedMs} ms`,
      `Memory Size: ${this.spec.memorySizeMb} MB`,
    ];
    if (initDurationMs !== undefined) fields.push(`Init Duration: ${initDurationMs.toFixed(2)} ms`);
    if (outcome.kind === 'fatal') fields.push(`Status: ${timedOut ? 'timeout' : 'error'}`);
    if (outcome.kind === 'fatal' && !timedOut) fields.push(`Error Type: ${outcome.error.errorType}`);
    log(fields.join('\t'));
  }
}
