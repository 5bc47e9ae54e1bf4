/**
 * Lambda's asynchronous invocation (`Event`): an internal queue per function, retries of function errors with
 * growing delays, throttled events kept until concurrency frees up or they grow too old, and failed events sent to
 * the on-failure destination and/or dead-letter queue.
 */
import type { IdleTracker } from './concurrency.js';
import type { FunctionPool } from './function-pool.js';
import type { InvocationRequest } from './sandbox.js';
import type { FailedEventDetails, LambdaErrorPayload, LambdaRuntimeOptions } from './types.js';

const DEFAULT_RETRY_ATTEMPTS = 2;
const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;

interface QueuedEvent {
  request: InvocationRequest;
  enqueuedAt: number;
  /** Attempts that ran (throttles do not count, as on Lambda). */
  attempts: number;
  notBefore: number;
  lastError?: LambdaErrorPayload;
}

export interface AsyncInvocationOptions {
  retryDelayMs: number;
  deliverFailedEvent: LambdaRuntimeOptions['deliverFailedEvent'];
  tracker: IdleTracker;
  log: (line: string) => void;
}

export class AsyncInvocationQueue {
  private readonly queues = new Map<FunctionPool, QueuedEvent[]>();
  private readonly timers = new Map<FunctionPool, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly options: AsyncInvocationOptions) {}

  enqueue(pool: FunctionPool, request: InvocationRequest): void {
    this.options.tracker.begin();
    const queue = this.queues.get(pool) ?? [];
    this.queues.set(pool, queue);
    queue.push({ request, enqueuedAt: Date.now(), attempts: 0, notBefore: 0 });
    this.pump(pool);
  }

  /** Starts every due event that can get an execution slot, expires old ones, and schedules the next wake-up. */
  pump(pool: FunctionPool): void {
    const queue = this.queues.get(pool);
    if (this.stopped || !queue) return;
    const now = Date.now();
    const maxAgeMs = (pool.spec.asyncConfig?.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    for (const event of [...queue]) {
      if (now - event.enqueuedAt >= maxAgeMs) {
        remove(queue, event);
        void this.fail(pool, event, 'EventAgeExceeded');
      }
    }
    for (const event of [...queue]) {
      if (event.notBefore > now) continue;
      const reservation = pool.tryReserve();
      if ('throttled' in reservation) break;
      remove(queue, event);
      void this.attempt(pool, event, reservation);
    }
    this.scheduleWakeUp(pool, queue, maxAgeMs, now);
  }

  pumpAll(): void {
    for (const pool of this.queues.keys()) this.pump(pool);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const queue of this.queues.values()) {
      for (const _event of queue.splice(0)) this.options.tracker.end();
    }
  }

  private async attempt(
    pool: FunctionPool,
    event: QueuedEvent,
    reservation: Exclude<ReturnType<FunctionPool['tryReserve']>, { throttled: unknown }>,
  ): Promise<void> {
    const result = await pool.execute(reservation, event.request);
    event.attempts += 1;
    if (!('error' in result) || this.stopped) {
      this.options.tracker.end();
      return;
    }
    event.lastError = result.error;
    const maximumRetries = pool.spec.asyncConfig?.maximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
    if (event.attempts > maximumRetries) {
      await this.fail(pool, event, 'RetriesExhausted');
      return;
    }
    // Lambda waits about one minute before the first retry and two before the second.
    event.notBefore = Date.now() + this.options.retryDelayMs * event.attempts;
    this.queues.get(pool)?.push(event);
    this.pump(pool);
  }

  private async fail(
    pool: FunctionPool,
    event: QueuedEvent,
    condition: FailedEventDetails['condition'],
  ): Promise<void> {
    const { spec } = pool;
    const { requestId, eventJson } = event.request;
    const details = { functionName: spec.name, requestId, condition, error: event.lastError };
    const deliveries: [string, unknown, FailedEventDetails][] = [];
    const destination = spec.asyncConfig?.onFailureDestinationArn;
    if (destination) {
      deliveries.push([
        destination,
        destinationRecord(pool, event, condition),
        { kind: 'on-failure-destination', ...details },
      ]);
    }
    if (spec.deadLetterTargetArn) {
      deliveries.push([spec.deadLetterTargetArn, JSON.parse(eventJson), { kind: 'dead-letter-queue', ...details }]);
    }
    if (deliveries.length === 0) {
      this.options.log(
        `[${spec.name}] asynchronous event ${requestId} dropped (${condition} after ${event.attempts} attempts): ` +
          `${event.lastError?.errorType ?? 'no attempt'}`,
      );
    }
    try {
      for (const [targetArn, record, kind] of deliveries) {
        try {
          // Presence of the callback is checked when the runtime is created.
          await this.options.deliverFailedEvent?.(targetArn, record, kind);
        } catch (error) {
          this.options.log(
            `[${spec.name}] could not deliver failed event ${requestId} to ${targetArn}: ${(error as Error).message}`,
          );
        }
      }
    } finally {
      this.options.tracker.end();
    }
  }

  /**
   * `now` must be the instant `pump` judged which events were due: an event it left for later because it was not due
   * yet must get its wake-up even if that instant has passed meanwhile (a busy machine can deschedule this thread for
   * longer than a retry delay), or it would wait for the hours-long expiry timer.
   */
  private scheduleWakeUp(pool: FunctionPool, queue: QueuedEvent[], maxAgeMs: number, now: number): void {
    clearTimeout(this.timers.get(pool));
    this.timers.delete(pool);
    if (queue.length === 0) return;
    const retryAt = Math.min(
      ...queue.map((event) => (event.notBefore > now ? event.notBefore : Number.POSITIVE_INFINITY)),
    );
    const expiresAt = Math.min(...queue.map((event) => event.enqueuedAt + maxAgeMs));
    const timer = setTimeout(() => this.pump(pool), Math.max(0, Math.min(retryAt, expiresAt) - Date.now()));
    // Waiting only for throttled events to expire (hours, by default) must not keep the process alive.
    if (retryAt === Number.POSITIVE_INFINITY) timer.unref();
    this.timers.set(pool, timer);
  }
}

/** The record Lambda sends to an on-failure destination. */
function destinationRecord(
  pool: FunctionPool,
  event: QueuedEvent,
  condition: FailedEventDetails['condition'],
): unknown {
  return {
    version: '1.0',
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: event.request.requestId,
      functionArn: `${pool.spec.arn}:$LATEST`,
      condition,
      approximateInvokeCount: event.attempts,
    },
    requestPayload: JSON.parse(event.request.eventJson),
    ...(event.lastError
      ? {
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: event.lastError,
        }
      : {}),
  };
}

function remove(queue: QueuedEvent[], event: QueuedEvent): void {
  const index = queue.indexOf(event);
  if (index >= 0) queue.splice(index, 1);
}
