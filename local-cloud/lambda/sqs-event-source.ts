/**
 * An SQS event source mapping: pollers long-poll the queue, gather batches within the batching window, invoke the
 * function synchronously and delete what succeeded. Failed messages are left alone: they reappear after the
 * visibility timeout and the queue's redrive policy moves them to its dead-letter queue, as on AWS.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type ReceiveMessageRequest,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * What a mapping's pollers need of the queue: Lambda's pollers call ReceiveMessage and DeleteMessageBatch. The
 * local cloud passes an in-process one; `sdkEventSourceQueue` speaks to any SQS endpoint through the SDK.
 */
export interface EventSourceQueue {
  /** ReceiveMessage with every system and message attribute; resolves early with nothing when `signal` aborts. */
  receive(request: PollRequest, signal: AbortSignal): Promise<Message[]>;
  /** DeleteMessageBatch of at most 10 entries; answers the entries that failed. */
  deleteBatch(entries: { Id: string; ReceiptHandle: string }[]): Promise<{ Code?: string; Message?: string }[]>;
  /** ChangeMessageVisibility of one received message (0: visible again at once). */
  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
  visibilityTimeoutSeconds(signal: AbortSignal): Promise<number>;
  /**
   * Whether the consumer (the function) changed this message's visibility itself, e.g. to back off before its retry.
   * Only a queue in the same process can tell; over the SDK it is unknown, and taken as no.
   */
  visibilityChangedByConsumer?(receiptHandle: string): boolean;
}

/** How many messages one poll asks for, and how long it waits for the first. */
export interface PollRequest {
  maxMessages: number;
  waitTimeSeconds: number;
}

/** The ReceiveMessage request of one poll: long polling, with every system and message attribute, as Lambda asks. */
export function pollerReceiveRequest(queueUrl: string, request: PollRequest): ReceiveMessageRequest {
  return {
    QueueUrl: queueUrl,
    MaxNumberOfMessages: request.maxMessages,
    WaitTimeSeconds: request.waitTimeSeconds,
    MessageSystemAttributeNames: ['All'],
    MessageAttributeNames: ['All'],
  };
}

/** An `EventSourceQueue` over the AWS SDK. */
export function sdkEventSourceQueue(sqs: SQSClient, queueUrl: string): EventSourceQueue {
  return {
    async receive(request, signal) {
      const response = await sqs.send(new ReceiveMessageCommand(pollerReceiveRequest(queueUrl, request)), {
        abortSignal: signal,
      });
      return response.Messages ?? [];
    },
    async deleteBatch(entries) {
      const response = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      return response.Failed ?? [];
    },
    async changeVisibility(receiptHandle, visibilityTimeoutSeconds) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: visibilityTimeoutSeconds,
        }),
      );
    },
    async visibilityTimeoutSeconds(signal) {
      const response = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['VisibilityTimeout'] }),
        { abortSignal: signal },
      );
      return Number(response.Attributes?.VisibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS);
    },
  };
}

import { type FaultInjector, sagaScopeOf } from '../faults/fault-plan.js';
import { InvalidFunctionConfigurationError } from './errors.js';
import { judgeBatch, toSqsEventRecord } from './sqs-event.js';
import type { InvokeResult, LambdaRuntime } from './types.js';

export interface SqsEventSourceMappingOptions {
  queue: EventSourceQueue;
  queueArn: string;
  functionArn: string;
  batchSize: number;
  maximumBatchingWindowInSeconds?: number;
  reportBatchItemFailures: boolean;
  /** Concurrent batches at most (one poller each); defaults to 5. */
  maximumConcurrency?: number;
  enabled: boolean;
  runtime: LambdaRuntime;
  log?: (line: string) => void;
  /**
   * Injects `sqs.visibilityExpired` into messages of a saga: the visibility timeout of a message expires while the
   * invocation that received it still runs. None when unset.
   */
  faults?: FaultInjector;
}

/** Pollers of a mapping without MaximumConcurrency. */
export const DEFAULT_POLLERS = 5;
const LONG_POLL_SECONDS = 20;
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

/** Starts the mapping's pollers; `stop()` aborts their long polls and waits for batches in flight. */
export function startSqsEventSourceMapping(options: SqsEventSourceMappingOptions): { stop(): Promise<void> } {
  validate(options);
  if (!options.enabled) return { stop: async () => {} };
  const log = (line: string) => options.log?.(`[sqs ${options.queueArn} -> ${options.functionArn}] ${line}`);
  const abort = new AbortController();
  const pollerCount = options.maximumConcurrency ?? DEFAULT_POLLERS;
  const queueName = options.queueArn.split(':').at(-1) ?? options.queueArn;
  const functionTimeoutMs = timeoutMsOf(options.runtime, options.functionArn);
  let visibilityTimeoutMs: Promise<number> | undefined;
  const visibilityTimeout = () => {
    visibilityTimeoutMs ??= readVisibilityTimeoutMs(options, abort.signal);
    return visibilityTimeoutMs;
  };

  async function poll(): Promise<void> {
    while (!abort.signal.aborted) {
      try {
        const batch = await gatherBatch(options, abort.signal);
        if (batch.length > 0) await processBatch(batch, await visibilityTimeout());
      } catch (error) {
        if (abort.signal.aborted) return;
        log(`poll failed: ${(error as Error).message}`);
        await sleep(1000, abort.signal);
      }
    }
  }

  async function processBatch(batch: Message[], visibilityMs: number): Promise<void> {
    const event = { Records: batch.map((message) => toSqsEventRecord(message, options.queueArn)) };
    const expiring = batch.filter(visibilityExpires);
    const release = holdInvisibleWhileRunning(
      batch.filter((message) => !expiring.includes(message)),
      visibilityMs,
    );
    let result: InvokeResult | undefined;
    try {
      const invocation = invokeWithBackoff(event, Date.now() + visibilityMs);
      // The function is at work on the batch when these messages become visible again: another poller receives them
      // (same MessageId, a new receipt handle, ApproximateReceiveCount 2) and invokes the function with them at once.
      await expireVisibility(expiring);
      result = await invocation;
    } finally {
      release();
    }
    if (!result) return;
    const verdict = judgeBatch(
      result,
      new Set(event.Records.map((record) => record.messageId)),
      options.reportBatchItemFailures,
    );
    if (verdict.failed === 'all') {
      log(`batch of ${batch.length} failed (${verdict.reason}); messages return after the visibility timeout`);
      return;
    }
    const done = batch.filter((message) => !verdict.messageIds.has(message.MessageId ?? ''));
    await deleteMessages(done);
  }

  /** Retries a throttled invoke until the batch would become visible again (then another poller gets it). */
  async function invokeWithBackoff(event: unknown, visibleAgainAt: number): Promise<InvokeResult | undefined> {
    for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 1000)) {
      try {
        return await options.runtime.invoke(options.functionArn, event);
      } catch (error) {
        const throttled = (error as Error).name === 'TooManyRequestsException';
        if (!throttled || abort.signal.aborted || Date.now() + delayMs >= visibleAgainAt) {
          log(`invoke failed: ${(error as Error).name}: ${(error as Error).message}; batch left on the queue`);
          return undefined;
        }
        await sleep(delayMs, abort.signal);
      }
    }
  }

  /**
   * A batch's messages must stay invisible until its invocation returns, or the queue hands them to another poller
   * while the function still works on them: the redelivery meets the work in progress (idempotency) and, after
   * `maxReceiveCount` receives, a message its first invocation handled goes to the DLQ. On AWS a visibility timeout
   * shorter than the function's timeout is refused at `CreateEventSourceMapping`, and the template sets six times it,
   * as AWS recommends, so the invocation ends long before. A local cloud that scales visibility timeouts down
   * (`queueVisibilityTimeoutScale`, so that tests see redeliveries in seconds) loses that margin, and a slow invocation
   * on a busy machine is overtaken. The poller restores it: while the invocation runs, it renews the batch's visibility
   * before it runs out. It renews nothing when the timeout is at least the function's (every mapping AWS accepts), and
   * leaves alone a message whose visibility the function changed itself (a backoff before its retry).
   *
   * Not covered: a batching window at least as long as the scaled timeout, whose first messages could expire while the
   * batch is still gathered (the app's windows are 1 s; a scaled timeout is at least 1 s, and `gatherBatch` stops with
   * less than 1 s of the window left). Answers the function that stops renewing.
   */
  function holdInvisibleWhileRunning(messages: Message[], visibilityMs: number): () => void {
    if (
      messages.length === 0 ||
      functionTimeoutMs === undefined ||
      visibilityMs < 1000 ||
      visibilityMs >= functionTimeoutMs
    ) {
      return () => {};
    }
    const held = new Set(messages);
    const renew = () => {
      for (const message of held) {
        const receiptHandle = message.ReceiptHandle ?? '';
        if (options.queue.visibilityChangedByConsumer?.(receiptHandle)) {
          held.delete(message);
          continue;
        }
        options.queue.changeVisibility(receiptHandle, Math.ceil(visibilityMs / 1000)).catch((error: Error) => {
          // Deleted by the function, or already overtaken: nothing left to hold.
          held.delete(message);
          log(`stopped renewing the visibility of message ${message.MessageId}: ${error.message}`);
        });
      }
    };
    // At once (gathering the batch used part of the first messages' timeout), then every third of the timeout:
    // renewed twice before it could run out, even when the event loop is slow to wake.
    renew();
    const timer = setInterval(renew, visibilityMs / 3);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * `sqs.visibilityExpired`, decided on a message's first receive only: a redelivery that expired again and again
   * would reach the dead-letter queue, which is not the failure this stands for.
   */
  function visibilityExpires(message: Message): boolean {
    const faults = options.faults;
    if (!faults || message.Attributes?.ApproximateReceiveCount !== '1') return false;
    const saga = sagaScopeOf(message.Body ?? '');
    return saga !== undefined && faults.shouldInject('sqs.visibilityExpired', `${queueName}|${saga}`);
  }

  /**
   * Ends the visibility timeout of messages this poller is still working on, as if it had run out: SQS makes them
   * visible again and their receipt handles stale. Deleting one with its stale handle later succeeds without deleting
   * it (AWS: "the request succeeds, but the message might not be deleted"; fauxqs never deletes it), so it stays
   * until the consumer that received it last deletes it.
   */
  async function expireVisibility(messages: Message[]): Promise<void> {
    for (const message of messages) {
      try {
        await options.queue.changeVisibility(message.ReceiptHandle ?? '', 0);
        log(`visibility timeout of message ${message.MessageId} expired while its batch runs (injected fault)`);
      } catch (error) {
        log(`could not expire the visibility of message ${message.MessageId}: ${(error as Error).message}`);
      }
    }
  }

  async function deleteMessages(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const failed = await options.queue.deleteBatch(
        chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '' })),
      );
      for (const failure of failed) log(`could not delete a message: ${failure.Code} ${failure.Message}`);
    }
  }

  const pollers = Array.from({ length: pollerCount }, () => poll());
  return {
    async stop() {
      abort.abort();
      await Promise.all(pollers);
    },
  };
}

/**
 * Waits (long poll) for a first message, then keeps receiving until the batch is full or the batching window,
 * counted from that first message, has passed.
 */
async function gatherBatch(options: SqsEventSourceMappingOptions, signal: AbortSignal): Promise<Message[]> {
  const windowMs = (options.maximumBatchingWindowInSeconds ?? 0) * 1000;
  const batch: Message[] = [];
  let windowEndsAt: number | undefined;
  while (batch.length < options.batchSize && !signal.aborted) {
    const remainingMs = windowEndsAt === undefined ? LONG_POLL_SECONDS * 1000 : windowEndsAt - Date.now();
    if (windowEndsAt !== undefined && remainingMs < 1000) break;
    const messages = await options.queue.receive(
      {
        maxMessages: Math.min(10, options.batchSize - batch.length),
        waitTimeSeconds: Math.min(LONG_POLL_SECONDS, Math.floor(remainingMs / 1000)),
      },
      signal,
    );
    batch.push(...messages);
    if (batch.length > 0 && windowEndsAt === undefined) {
      if (windowMs === 0) break;
      windowEndsAt = Date.now() + windowMs;
    }
  }
  return batch;
}

async function readVisibilityTimeoutMs(options: SqsEventSourceMappingOptions, signal: AbortSignal): Promise<number> {
  try {
    return (await options.queue.visibilityTimeoutSeconds(signal)) * 1000;
  } catch {
    return DEFAULT_VISIBILITY_TIMEOUT_SECONDS * 1000;
  }
}

/** The mapped function's timeout; unknown (so its batches are never held) if the runtime does not have it. */
function timeoutMsOf(runtime: LambdaRuntime, functionArn: string): number | undefined {
  try {
    return runtime.getFunction(functionArn).timeoutSeconds * 1000;
  } catch {
    return undefined;
  }
}

function validate(options: SqsEventSourceMappingOptions): void {
  const fifo = options.queueArn.endsWith('.fifo');
  const maxBatch = fifo ? 10 : 10_000;
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > maxBatch) {
    throw new InvalidFunctionConfigurationError(
      `SQS event source ${options.queueArn}: batch size must be 1-${maxBatch}`,
    );
  }
  const window = options.maximumBatchingWindowInSeconds ?? 0;
  if (window < 0 || window > 300) {
    throw new InvalidFunctionConfigurationError(
      `SQS event source ${options.queueArn}: batching window must be 0-300 s`,
    );
  }
  if (options.batchSize > 10 && window < 1) {
    throw new InvalidFunctionConfigurationError(
      `SQS event source ${options.queueArn}: a batch size over 10 needs a batching window of at least 1 s`,
    );
  }
  const concurrency = options.maximumConcurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 1000)) {
    throw new InvalidFunctionConfigurationError(
      `SQS event source ${options.queueArn}: maximum concurrency must be 2-1000`,
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
