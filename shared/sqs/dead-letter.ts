/**
 * Sends a refused record to its queue's dead-letter queue (DEAD_LETTER_QUEUE_URL, set and granted by `QueueWithDlq`)
 * with the reason in its message attributes (`failure-attributes.ts`). The body goes unchanged, so a redrive returns
 * exactly the message that was refused.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { sqs } from '../aws/sqs-client.js';
import { queueEnv, requiredEnv } from '../environment.js';
import { logger } from '../powertools/index.js';
import { deadLetterAttributes, type Refusal } from './failure-attributes.js';

/**
 * Whether the DLQ took the record. A failed send (the variable missing, SQS or KMS refusing, a body that with the
 * attributes exceeds the message size) is logged and answered `false`: the caller then lets SQS redeliver the record,
 * and the redrive policy still dead-letters it, without the reason.
 */
export async function sendToDeadLetterQueue(record: SQSRecord, refusal: Refusal, failedBy: string): Promise<boolean> {
  try {
    await sqs().send(
      new SendMessageCommand({
        QueueUrl: requiredEnv(queueEnv('DEAD_LETTER')),
        MessageBody: record.body,
        MessageAttributes: deadLetterAttributes(record, refusal, failedBy),
        // A FIFO queue's DLQ is FIFO too: keep the message in its group, and dedupe a repeated send of the same copy.
        ...(record.attributes.MessageGroupId
          ? {
              MessageGroupId: record.attributes.MessageGroupId,
              MessageDeduplicationId: record.attributes.MessageDeduplicationId ?? record.messageId,
            }
          : {}),
      }),
    );
    return true;
  } catch (error) {
    logger.error(
      'The refused message could not be sent to its DLQ; SQS redelivers it until its redrive policy moves it',
      {
        messageId: record.messageId,
        code: refusal.code,
        reason: refusal.reason,
        error,
      },
    );
    return false;
  }
}
