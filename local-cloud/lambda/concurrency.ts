/** Account-wide bookkeeping: the concurrency pool that reserved and unreserved functions share, and idleness. */
import type { ThrottleReason } from './errors.js';
import type { FunctionSpec } from './types.js';

/**
 * Lambda's concurrency model: a function with reserved concurrency can use exactly that many executions; the others
 * share what the reservations leave of the account limit.
 */
export class ConcurrencyAccount {
  private unreservedInUse = 0;
  private readonly releaseListeners: (() => void)[] = [];
  readonly unreservedLimit: number;

  constructor(
    readonly limit: number,
    reservedTotal: number,
  ) {
    this.unreservedLimit = limit - reservedTotal;
  }

  /** Takes one execution for `spec` (which currently runs `runningNow`), or says why it cannot. */
  tryAcquire(spec: FunctionSpec, runningNow: number): ThrottleReason | undefined {
    if (spec.reservedConcurrency !== undefined) {
      return runningNow < spec.reservedConcurrency ? undefined : 'ReservedFunctionConcurrentInvocationLimitExceeded';
    }
    if (this.unreservedInUse >= this.unreservedLimit) return 'ConcurrentInvocationLimitExceeded';
    this.unreservedInUse += 1;
    return undefined;
  }

  release(spec: FunctionSpec): void {
    if (spec.reservedConcurrency === undefined) this.unreservedInUse -= 1;
    for (const listener of this.releaseListeners) listener();
  }

  /** Called after every release: queued asynchronous events may now run. */
  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }
}

/** Counts work in progress so callers can wait until the runtime is quiet. */
export class IdleTracker {
  private busy = 0;
  private waiters: (() => void)[] = [];

  begin(): void {
    this.busy += 1;
  }

  end(): void {
    this.busy -= 1;
    if (this.busy === 0) this.wakeAll();
  }

  whenIdle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Releases every waiter, e.g. when the runtime stops with work still queued. */
  wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
