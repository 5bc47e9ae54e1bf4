/**
 * Dead-letter queue redrive, which fauxqs lacks: receive from the DLQ, send each message to the destination with
 * the same body and attributes, and only then delete it from the DLQ. A crash between the two steps leaves a copy
 * in both queues (at-least-once, like AWS), never in neither.
 */
import { randomUUID } from 'node:crypto';
import { QueueNotFoundError, RedriveError } from './errors.js';
import type { FauxqsBackend, QueueInspection } from './fauxqs-backend.js';
import { countMessages, inspectAll, queueNameOf } from './queue-state.js';

export interface RedriveOptions {
  /** Queue ARN to move the messages to; by default the one queue whose RedrivePolicy names the DLQ. */
  destinationArn?: string;
  /** Move at most this many messages; by default all the DLQ holds when the redrive starts. */
  maxMessages?: number;
}

export interface RedriveOutcome {
  moved: number;
  /** Messages visible in the DLQ when the redrive started (capped by `maxMessages`). */
  toMove: number;
  sourceArn: string;
  destinationArn: string;
}

interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  Body: string;
  Attributes?: Record<string, string>;
  MessageAttributes?: Record<string, unknown>;
}

/** Long enough for one batch to be sent on, short enough that an interrupted redrive frees its messages soon. */
const REDRIVE_VISIBILITY_TIMEOUT_SECONDS = 60;
const SQS_MAX_BATCH = 10;

/** A validated redrive, ready to run: which queue to drain into which, and how many messages at most. */
export interface RedrivePlan {
  dlq: QueueInspection;
  destination: QueueInspection;
  toMove: number;
}

/** Checks a redrive request against the current queues; throws `QueueNotFoundError` or `RedriveError`. */
export async function planRedrive(
  backend: FauxqsBackend,
  dlqReference: string,
  options: RedriveOptions = {},
): Promise<RedrivePlan> {
  const maxMessages = options.maxMessages ?? Number.POSITIVE_INFINITY;
  if (!(maxMessages >= 0)) throw new RedriveError(`maxMessages must be a non-negative number, got ${maxMessages}`);
  const dlq = await inspectReference(backend, dlqReference);
  const destination = options.destinationArn
    ? await inspectReference(backend, options.destinationArn)
    : await soleSourceOf(backend, dlq);
  if (destination.arn === dlq.arn) throw new RedriveError(`Cannot redrive ${dlq.arn} into itself`);
  if (destination.attributes.FifoQueue === 'true' && dlq.attributes.FifoQueue !== 'true') {
    throw new RedriveError(`Cannot redrive standard queue ${dlq.arn} into FIFO queue ${destination.arn}`);
  }
  return { dlq, destination, toMove: Math.min(maxMessages, countMessages(dlq).visible) };
}

/** Moves the planned messages; `onProgress` sees the running count after each message. */
export async function runRedrive(
  backend: FauxqsBackend,
  plan: RedrivePlan,
  onProgress: (moved: number) => void = () => {},
): Promise<RedriveOutcome> {
  const { dlq, destination, toMove } = plan;
  const destinationIsFifo = destination.attributes.FifoQueue === 'true';
  const dlqUrl = backend.queueUrl(dlq.name);
  const destinationUrl = backend.queueUrl(destination.name);
  let moved = 0;
  while (moved < toMove) {
    const { Messages: batch = [] } = await backend.call<{ Messages?: ReceivedMessage[] }>('ReceiveMessage', {
      QueueUrl: dlqUrl,
      MaxNumberOfMessages: Math.min(SQS_MAX_BATCH, toMove - moved),
      VisibilityTimeout: REDRIVE_VISIBILITY_TIMEOUT_SECONDS,
      WaitTimeSeconds: 0,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    });
    if (batch.length === 0) break;
    for (const [index, message] of batch.entries()) {
      try {
        await backend.call('SendMessage', copyOf(message, destinationUrl, destinationIsFifo));
      } catch (error) {
        await releaseAll(backend, dlqUrl, batch.slice(index));
        throw new RedriveError(`Redrive of ${dlq.arn} stopped after ${moved} messages: ${String(error)}`, {
          cause: error,
        });
      }
      await backend.call('DeleteMessage', { QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle });
      moved++;
      onProgress(moved);
    }
  }
  return { moved, toMove, sourceArn: dlq.arn, destinationArn: destination.arn };
}

/** The queues whose RedrivePolicy names `deadLetterQueueArn`. */
export async function deadLetterSourcesOf(backend: FauxqsBackend, deadLetterQueueArn: string) {
  return (await inspectAll(backend)).filter((queue) => {
    const policy = queue.attributes.RedrivePolicy;
    return policy
      ? (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn === deadLetterQueueArn
      : false;
  });
}

async function soleSourceOf(backend: FauxqsBackend, dlq: QueueInspection): Promise<QueueInspection> {
  const sources = await deadLetterSourcesOf(backend, dlq.arn);
  const [source] = sources;
  if (!source) {
    throw new RedriveError(`${dlq.arn} is not the dead-letter queue of any queue; name a destination queue`);
  }
  if (sources.length > 1) {
    // AWS remembers each message's original queue; fauxqs does not, so the choice must be the caller's.
    throw new RedriveError(
      `${dlq.arn} is the dead-letter queue of several queues (${sources.map((queue) => queue.arn).join(', ')}); ` +
        'the local cloud does not record which queue each message came from, so name a destination queue',
    );
  }
  return source;
}

async function inspectReference(backend: FauxqsBackend, reference: string): Promise<QueueInspection> {
  const name = queueNameOf(reference);
  const inspection = name ? await backend.inspect(name) : undefined;
  if (!inspection) throw new QueueNotFoundError(reference);
  return inspection;
}

function copyOf(message: ReceivedMessage, destinationUrl: string, destinationIsFifo: boolean) {
  const input: Record<string, unknown> = { QueueUrl: destinationUrl, MessageBody: message.Body };
  if (message.MessageAttributes) input.MessageAttributes = message.MessageAttributes;
  if (destinationIsFifo) {
    input.MessageGroupId = message.Attributes?.MessageGroupId;
    // A fresh ID: reusing the original would let the destination's 5-minute deduplication window drop the message.
    input.MessageDeduplicationId = randomUUID();
  }
  return input;
}

/** Best effort after a failure that is already being reported: unreleased messages reappear after the timeout anyway. */
async function releaseAll(backend: FauxqsBackend, dlqUrl: string, messages: ReceivedMessage[]): Promise<void> {
  for (const message of messages) {
    await backend
      .call('ChangeMessageVisibility', { QueueUrl: dlqUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })
      .catch(() => undefined);
  }
}
