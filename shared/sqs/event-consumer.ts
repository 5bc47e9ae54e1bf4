/**
 * The adapter every SQS consumer is built from: Powertools BatchProcessor with partial batch responses, so one bad
 * message is retried (or dead-lettered) without failing its neighbours. Each record is parsed with zod.
 *
 * A record that can never succeed is a refusal (`isPermanentRefusal`: not JSON, not matching its schema, or the
 * handler refusing it with a 4xx `AppError` or a reused idempotency key). It is sent at once to its queue's DLQ with
 * the reason in its message attributes (`failure-attributes.ts`), and acknowledged: redelivering it
 * `maxReceiveCount` times would change nothing and would leave the reason in the logs only. If the DLQ does not take
 * it, the record fails instead, and the queue's redrive policy moves it there after `maxReceiveCount` receives, as it
 * does with every other failure (a dependency down, a timeout, a bug), which SQS retries first. Either way the DLQ
 * alarm fires and `npm run dlq` lists and redrives what waits there.
 *
 * Each record is handled idempotently, keyed on `keyPath` of the parsed body (the EventBridge event id by default).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { zodIssues } from '../http/zod-issues.js';
import { idempotentCommand } from '../idempotency.js';
import { bindCorrelationId, logger } from '../powertools/index.js';
import { observability } from '../powertools/middlewares.js';
import { isPermanentRefusal } from '../refusals.js';
import { sendToDeadLetterQueue } from './dead-letter.js';
import { refusalOf } from './failure-attributes.js';

export interface EventConsumerSpec<TMessage extends z.ZodType> {
  readonly message: TMessage;
  /** JMESPath of the idempotency key in the parsed message. @default 'id' */
  readonly keyPath?: string;
  /** JMESPath-free accessor for the correlation ID to bind to the logs. */
  readonly correlationIdOf?: (message: z.infer<TMessage>) => string | undefined;
}

export function sqsEventConsumer<TMessage extends z.ZodType>(
  spec: EventConsumerSpec<TMessage>,
  handleMessage: (message: z.infer<TMessage>) => Promise<void>,
) {
  const processor = new BatchProcessor(EventType.SQS);
  const idempotentHandle = idempotentCommand(
    async (message: object) => {
      await handleMessage(message as z.infer<TMessage>);
      return { handled: true };
    },
    { keyPath: spec.keyPath ?? 'id' },
  );

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const message = parseRecord(spec.message, record);
    const correlationId = spec.correlationIdOf?.(message);
    // Each record's lines carry its own correlation ID, never the one of the record before it.
    if (correlationId) bindCorrelationId(correlationId);
    else logger.removeKeys(['correlationId']);
    await idempotentHandle(message as object);
  };

  /** Handles the record; a refusal goes to the DLQ with its reason, and the record fails only if the DLQ refused it. */
  const handleOrDeadLetter = async (record: SQSRecord, context: Context): Promise<void> => {
    try {
      await handleRecord(record);
    } catch (error) {
      if (!isPermanentRefusal(error)) throw error;
      const refusal = refusalOf(error);
      if (!(await sendToDeadLetterQueue(record, refusal, context.functionName))) throw error;
      logger.warn('Message refused; sent to its DLQ with the reason', {
        messageId: record.messageId,
        code: refusal.code,
        reason: refusal.reason,
        details: refusal.details,
      });
    }
  };

  const adapter = async (event: SQSEvent, context: Context) => {
    idempotentHandle.registerContext(context);
    // A fully failed batch is reported like a partial one (every record listed), so the loop below still logs each
    // record's error; Lambda then redelivers them all, exactly as a thrown FullBatchFailureError would.
    const response = await processPartialResponse(
      event,
      (record: SQSRecord) => handleOrDeadLetter(record, context),
      processor,
      // One record at a time: the correlation ID is a key of the one logger, so records handled side by side would
      // log under each other's ID. A batch is 10 records at most (tuning.queue.batchSize), and concurrency comes from
      // the mapping's concurrent batches instead.
      { context, throwOnFullBatchFailure: false, processInParallel: false },
    );
    // The batch processor keeps each record's error to itself; without this line a failure leaves no trace in the logs.
    processor.failureMessages.forEach((record, index) => {
      logger.warn('Message failed; SQS redelivers it until it reaches the DLQ', {
        messageId: (record as SQSRecord).messageId,
        error: processor.errors[index],
      });
    });
    return response;
  };
  return middy(adapter).use(observability());
}

/** The record's body as its schema reads it; `ValidationError` (a refusal) for a body that is not JSON or not that. */
export function parseRecord<TMessage extends z.ZodType>(schema: TMessage, record: SQSRecord): z.infer<TMessage> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch (cause) {
    throw new ValidationError('The message is not JSON', undefined, { cause });
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError('The message does not match its schema', zodIssues(parsed.error));
  }
  return parsed.data;
}
