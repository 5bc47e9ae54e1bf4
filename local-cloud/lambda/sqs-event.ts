/** The SQS side of an event source mapping: the event shape Lambda builds and how it reads the function's answer. */
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { InvokeResult } from './types.js';

/** One record of the event Lambda passes to an SQS-triggered function (`SQSRecord` in @types/aws-lambda). */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsEventMessageAttribute>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

interface SqsEventMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

/** System attributes in the order Lambda lists them; the FIFO and tracing ones only when present. */
const RECORD_ATTRIBUTES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'MessageDeduplicationId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
] as const;

export function toSqsEventRecord(message: Message, queueArn: string): SqsEventRecord {
  const attributes: Record<string, string> = {};
  for (const name of RECORD_ATTRIBUTES) {
    const value = message.Attributes?.[name];
    if (value !== undefined) attributes[name] = value;
  }
  const messageAttributes: Record<string, SqsEventMessageAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toLambdaAttribute(value);
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? '',
  };
}

function toLambdaAttribute(value: MessageAttributeValue): SqsEventMessageAttribute {
  return {
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined ? {} : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
}

/** Which messages of a batch stay on the queue. */
export type BatchVerdict = { failed: 'all'; reason: string } | { failed: 'some'; messageIds: Set<string> };

/**
 * Reads the invocation result like Lambda: an error fails the whole batch; with `ReportBatchItemFailures`, a valid
 * `batchItemFailures` list fails only those messages, and an invalid one (unknown, empty or missing
 * `itemIdentifier`, not a list) fails the whole batch.
 */
export function judgeBatch(
  result: InvokeResult,
  batchMessageIds: Set<string>,
  reportBatchItemFailures: boolean,
): BatchVerdict {
  if ('error' in result) return { failed: 'all', reason: `${result.error.errorType}: ${result.error.errorMessage}` };
  const response = result.payload;
  if (!reportBatchItemFailures || response === null || typeof response !== 'object') {
    return { failed: 'some', messageIds: new Set() };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { failed: 'some', messageIds: new Set() };
  if (!Array.isArray(failures)) return { failed: 'all', reason: 'batchItemFailures is not a list' };
  const messageIds = new Set<string>();
  for (const failure of failures as unknown[]) {
    const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof identifier !== 'string' || identifier === '' || !batchMessageIds.has(identifier)) {
      return { failed: 'all', reason: `invalid itemIdentifier ${JSON.stringify(identifier)} in batchItemFailures` };
    }
    messageIds.add(identifier);
  }
  return { failed: 'some', messageIds };
}
