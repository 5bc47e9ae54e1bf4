import { afterEach, describe, expect, it, vi } from 'vitest';
import { AsyncInvocationQueue } from '../../local-cloud/lambda/async-invocations.js';
import { IdleTracker } from '../../local-cloud/lambda/concurrency.js';
import type { ExecutionResult, FunctionPool } from '../../local-cloud/lambda/function-pool.js';
import { InvocationLog } from '../../local-cloud/lambda/invocation-log.js';
import type { InvocationRequest } from '../../local-cloud/lambda/sandbox.js';

/** A function that fails its first attempt and succeeds after, with no concurrency limit. */
function poolFailingOnce(): { pool: FunctionPool; attempts: () => number } {
  let attempts = 0;
  const pool = {
    spec: { name: 'flaky', arn: 'arn:aws:lambda:us-east-1:000000000000:function:flaky' },
    tryReserve: () => ({ environment: Promise.resolve() }),
    execute: async (): Promise<ExecutionResult> => {
      attempts += 1;
      return attempts === 1
        ? {
            error: { errorType: 'Error', errorMessage: 'first attempt fails' },
            timedOut: false,
            log: new InvocationLog(),
          }
        : { payloadJson: '{}', log: new InvocationLog() };
    },
  } as unknown as FunctionPool;
  return { pool, attempts: () => attempts };
}

const request: InvocationRequest = {
  requestId: 'r-1',
  eventJson: '{}',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:flaky',
  traceId: 'Root=1-00000000-000000000000000000000000',
  clientContext: undefined,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Lambda asynchronous invocation queue', () => {
  it('retries a failed event even when the thread is descheduled past its retry time while scheduling it', async () => {
    // Prepare: every reading of the clock is 15 ms after the previous one, as on a machine so busy that the thread
    // loses the CPU between two statements. The retry (due 20 ms after the failure) is not due when the queue looks
    // at it, but is past due by the time it schedules its wake-up.
    let clock = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => {
      clock += 15;
      return clock;
    });
    const tracker = new IdleTracker();
    const queue = new AsyncInvocationQueue({ retryDelayMs: 20, deliverFailedEvent: undefined, tracker, log: () => {} });
    const { pool, attempts } = poolFailingOnce();

    // Act
    queue.enqueue(pool, request);
    const settled = await Promise.race([
      tracker.whenIdle().then(() => 'idle'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 2_000)),
    ]);
    queue.stop();

    // Assess
    expect(settled).toBe('idle');
    expect(attempts()).toBe(2);
  });
});
