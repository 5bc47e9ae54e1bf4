/**
 * The SQS poller's hold on a batch while its invocation runs (`holdInvisibleWhileRunning` in
 * `local-cloud/lambda/sqs-event-source.ts`), against a queue and a function of this file's own, under fake timers:
 * which messages it renews, with what timeout, and when it stops.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultInjector } from '../../local-cloud/faults/fault-plan.js';
import {
  type EventSourceQueue,
  type LambdaRuntime,
  startSqsEventSourceMapping,
} from '../../local-cloud/lambda/index.js';
import type { InvokeResult } from '../../local-cloud/lambda/types.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:consumer';

function messageOf(id: string, body = '{}'): Message {
  return { MessageId: id, ReceiptHandle: `handle-${id}`, Body: body, Attributes: { ApproximateReceiveCount: '1' } };
}

/** A queue that hands out `batch` once, then long-polls until the mapping stops; it records what the poller asks. */
function scriptedQueue(batch: Message[], visibilityTimeoutSeconds: number) {
  const renewals: { receiptHandle: string; seconds: number }[] = [];
  const deleted: string[] = [];
  const changedByConsumer = new Set<string>();
  let handedOut = false;
  const queue: EventSourceQueue = {
    async receive(_request, signal) {
      if (!handedOut) {
        handedOut = true;
        return batch;
      }
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return [];
    },
    async deleteBatch(entries) {
      deleted.push(...entries.map((entry) => entry.ReceiptHandle));
      return [];
    },
    async changeVisibility(receiptHandle, seconds) {
      renewals.push({ receiptHandle, seconds });
    },
    async visibilityTimeoutSeconds() {
      return visibilityTimeoutSeconds;
    },
    visibilityChangedByConsumer: (receiptHandle) => changedByConsumer.has(receiptHandle),
  };
  return { queue, renewals, deleted, changedByConsumer };
}

/** A function whose invocations wait until the test answers them. */
function heldFunction(timeoutSeconds: number) {
  const answers: ((result: InvokeResult) => void)[] = [];
  const runtime = {
    getFunction: () => ({ timeoutSeconds }),
    invoke: () => new Promise<InvokeResult>((resolve) => answers.push(resolve)),
  } as unknown as LambdaRuntime;
  /** Answers the waiting invocation with success, and lets the poller act on it. */
  const succeed = async () => {
    answers.shift()?.({ payload: { batchItemFailures: [] }, requestId: 'request-1' });
    await vi.advanceTimersByTimeAsync(0);
  };
  return { runtime, invocations: () => answers.length, succeed };
}

/** Stops a mapping under fake timers: its long poll ends on the abort, which needs a turn of the timers. */
async function stopMapping(mapping: { stop(): Promise<void> }): Promise<void> {
  const stopping = mapping.stop();
  await vi.advanceTimersByTimeAsync(0);
  await stopping;
}

function startMapping(queue: EventSourceQueue, runtime: LambdaRuntime, faults?: FaultInjector) {
  return startSqsEventSourceMapping({
    queue,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:orders',
    functionArn: FUNCTION_ARN,
    batchSize: 10,
    reportBatchItemFailures: true,
    maximumConcurrency: 2,
    enabled: true,
    runtime,
    faults,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('SQS event source mapping: a batch held invisible while its invocation runs', () => {
  it('renews the batch at once and every third of a scaled-down timeout, and stops when the invocation returns', async () => {
    // Prepare: a 3 s visibility timeout under a 10 s function timeout.
    const { queue, renewals, deleted } = scriptedQueue([messageOf('m-1'), messageOf('m-2')], 3);
    const consumer = heldFunction(10);
    const mapping = startMapping(queue, consumer.runtime);

    // Act
    await vi.advanceTimersByTimeAsync(0);
    const atStart = renewals.length;
    await vi.advanceTimersByTimeAsync(3000);
    const whileRunning = renewals.length;
    await consumer.succeed();
    const whenReturned = renewals.length;
    await vi.advanceTimersByTimeAsync(10_000);
    await stopMapping(mapping);

    // Assess
    expect(consumer.invocations()).toBe(0);
    expect(atStart).toBe(2);
    // Three ticks of 1 s in 3 s, each renewing both messages for the queue's own timeout.
    expect(whileRunning).toBe(8);
    expect(new Set(renewals.map((renewal) => renewal.seconds))).toEqual(new Set([3]));
    expect(new Set(renewals.map((renewal) => renewal.receiptHandle))).toEqual(new Set(['handle-m-1', 'handle-m-2']));
    expect(renewals.length).toBe(whenReturned);
    expect(deleted).toEqual(['handle-m-1', 'handle-m-2']);
  });

  it('renews nothing when the visibility timeout is at least the function timeout, as on every mapping AWS accepts', async () => {
    // Prepare
    const { queue, renewals, deleted } = scriptedQueue([messageOf('m-1')], 60);
    const consumer = heldFunction(10);
    const mapping = startMapping(queue, consumer.runtime);

    // Act
    await vi.advanceTimersByTimeAsync(9000);
    await consumer.succeed();
    await stopMapping(mapping);

    // Assess
    expect(renewals).toEqual([]);
    expect(deleted).toEqual(['handle-m-1']);
  });

  it('leaves alone a message whose visibility the function changed itself, a backoff before its retry', async () => {
    // Prepare
    const { queue, renewals, changedByConsumer } = scriptedQueue([messageOf('m-1'), messageOf('m-2')], 3);
    const consumer = heldFunction(10);
    const mapping = startMapping(queue, consumer.runtime);
    await vi.advanceTimersByTimeAsync(0);

    // Act: the function sets m-2's visibility (ChangeMessageVisibility through the edge) while it runs.
    changedByConsumer.add('handle-m-2');
    const before = renewals.length;
    await vi.advanceTimersByTimeAsync(3000);
    await consumer.succeed();
    await stopMapping(mapping);

    // Assess
    expect(renewals.slice(before).map((renewal) => renewal.receiptHandle)).toEqual([
      'handle-m-1',
      'handle-m-1',
      'handle-m-1',
    ]);
  });

  it('holds no message the sqs.visibilityExpired fault expires: it becomes visible at once and stays so', async () => {
    // Prepare
    const faults = new FaultInjector({
      seed: 'hold',
      rates: {},
      targets: [{ kind: 'sqs.visibilityExpired', saga: 'saga-1' }],
    });
    const { queue, renewals } = scriptedQueue(
      [messageOf('m-1', JSON.stringify({ correlationId: 'saga-1' })), messageOf('m-2')],
      3,
    );
    const consumer = heldFunction(10);
    const mapping = startMapping(queue, consumer.runtime, faults);

    // Act
    await vi.advanceTimersByTimeAsync(3000);
    await consumer.succeed();
    await stopMapping(mapping);

    // Assess
    expect(renewals.filter((renewal) => renewal.receiptHandle === 'handle-m-1')).toEqual([
      { receiptHandle: 'handle-m-1', seconds: 0 },
    ]);
    expect(renewals.filter((renewal) => renewal.receiptHandle === 'handle-m-2').length).toBeGreaterThan(1);
  });
});
