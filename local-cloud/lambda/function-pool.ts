/**
 * The execution environments of one function: warm ones are reused, new ones cold start while concurrency allows,
 * and each invocation is logged with Lambda's START / END / REPORT platform lines.
 *
 * Cold starts take their turn at the host's cold-start gate. An invocation waiting for its turn takes an environment
 * of its function that another invocation hands back first: on this shared CPU that is sooner than a cold start, and
 * to the caller it is just a faster start.
 */
import { type ColdStartGate, type ColdStartTicket, coldStartGate } from './cold-start-gate.js';
import type { ConcurrencyAccount } from './concurrency.js';
import { buildEnvironment, newLogStreamName } from './environment.js';
import type { ThrottleReason } from './errors.js';
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

/** An invocation waiting for an environment: a cold start of its own, or one handed back before that began. */
interface Waiter {
  readonly ticket: ColdStartTicket;
  take(sandbox: Sandbox): void;
  abandon(): void;
}

export type ExecutionResult = { payloadJson: string } | { error: LambdaErrorPayload; timedOut: boolean };

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
  private readonly waiters: Waiter[] = [];
  private stopped = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly baseEnvironment: Record<string, string>,
    private readonly account: ConcurrencyAccount,
    /** Receives the function's log lines, already prefixed with its name. */
    private readonly log: (line: string) => void,
    /** Meters cold starts; the process-wide one unless a test brings its own. */
    private readonly gate: ColdStartGate = coldStartGate,
  ) {}

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
      const leave = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
      };
      // The gate calls this in a later microtask at the earliest, so `waiter` below exists by then.
      const ticket = this.gate.schedule(async () => {
        leave();
        if (this.stopped) {
          reject(new Error('The function stopped before its environment started'));
          return;
        }
        try {
          const sandbox = this.startSandbox();
          this.stats.coldStarts += 1;
          resolve({ sandbox, cold: true });
          // The gate's slot is held until init is over: that is the work it meters.
          await sandbox.initialized;
        } catch (error) {
          reject(error);
        }
      });
      const waiter: Waiter = {
        ticket,
        take: (sandbox) => {
          leave();
          this.stats.warmStarts += 1;
          resolve({ sandbox, cold: false });
        },
        abandon: () => {
          leave();
          reject(new Error('The function stopped before its environment started'));
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** A reusable environment goes to the first invocation still waiting for its cold start, else back to idle. */
  private handBack(sandbox: Sandbox): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.ticket.cancel()) {
        waiter.take(sandbox);
        return;
      }
    }
    this.idle.push(sandbox);
  }

  /** Runs one invocation in the reserved environment and gives the slot back. */
  async execute(reservation: Reservation, request: InvocationRequest): Promise<ExecutionResult> {
    let sandbox: Sandbox | undefined;
    let cold = false;
    let outcome: SandboxOutcome | undefined;
    let startedAt = performance.now();
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
        this.log(`START RequestId: ${request.requestId} Version: $LATEST`);
        outcome = initError
          ? { kind: 'fatal', error: initError, timedOut: initError.errorType === 'Sandbox.Timedout' }
          : await sandbox.invoke(request, this.spec.timeoutSeconds * 1000);
      }
    } finally {
      this.stats.invocations += 1;
      if (sandbox && (outcome?.kind === 'success' || outcome?.kind === 'function-error')) {
        this.handBack(sandbox);
      } else if (sandbox) {
        this.discard(sandbox);
      }
      this.stats.concurrentNow -= 1;
      this.account.release(this.spec);
    }
    this.report(request.requestId, outcome, performance.now() - startedAt, cold ? sandbox?.initDurationMs : undefined);
    if (outcome.kind === 'success') return { payloadJson: outcome.payloadJson };
    this.stats.errors += 1;
    const timedOut = outcome.kind === 'fatal' && outcome.timedOut;
    if (timedOut) this.stats.timeouts += 1;
    return { error: outcome.error, timedOut };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const waiter of [...this.waiters]) {
      if (waiter.ticket.cancel()) waiter.abandon();
    }
    const all = [...this.sandboxes];
    this.sandboxes.clear();
    this.idle.length = 0;
    await Promise.all(all.map((sandbox) => sandbox.terminate()));
  }

  private startSandbox(): Sandbox {
    const logStreamName = newLogStreamName();
    const sandbox = new Sandbox({
      spec: this.spec,
      environment: buildEnvironment(this.spec, this.baseEnvironment, logStreamName),
      logStreamName,
      output: this.log,
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
    this.sandboxes.delete(sandbox);
    const index = this.idle.indexOf(sandbox);
    if (index >= 0) this.idle.splice(index, 1);
  }

  private report(requestId: string, outcome: SandboxOutcome, durationMs: number, initDurationMs?: number): void {
    const timedOut = outcome.kind === 'fatal' && outcome.timedOut;
    if (timedOut) this.log(`${new Date().toISOString()} ${requestId} ${outcome.error.errorMessage}`);
    this.log(`END RequestId: ${requestId}`);
    const fields = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${Math.ceil(durationMs + (initDurationMs ?? 0))} ms`,
      `Memory Size: ${this.spec.memorySizeMb} MB`,
    ];
    if (initDurationMs !== undefined) fields.push(`Init Duration: ${initDurationMs.toFixed(2)} ms`);
    if (outcome.kind === 'fatal') fields.push(`Status: ${timedOut ? 'timeout' : 'error'}`);
    if (outcome.kind === 'fatal' && !timedOut) fields.push(`Error Type: ${outcome.error.errorType}`);
    this.log(fields.join('\t'));
  }
}
