/** SQS events as Lambda's event source mapping delivers them, for the consumers' tests. */
import type { SQSEvent, SQSRecord } from 'aws-lambda';

export const SOURCE_QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:source-queue';
export const DEAD_LETTER_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/source-queue-dlq';
/** 2026-01-02T03:00:00.000Z, when the source queue first handed each record out. */
const FIRST_RECEIVED_MS = 1767322800000;

/** One record; a string body is sent as is (to send something that is not JSON), anything else as JSON. */
export function sqsRecord(body: unknown, index = 0, overrides: Partial<SQSRecord> = {}): SQSRecord {
  return {
    messageId: `msg-${index + 1}`,
    receiptHandle: `receipt-${index + 1}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(FIRST_RECEIVED_MS),
      SenderId: 'events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(FIRST_RECEIVED_MS),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: SOURCE_QUEUE_ARN,
    awsRegion: 'us-east-1',
    ...overrides,
  };
}

/** A batch of one record per body, `msg-1`, `msg-2`, ... */
export function sqsEvent(...bodies: unknown[]): SQSEvent {
  return { Records: bodies.map((body, index) => sqsRecord(body, index)) };
}
