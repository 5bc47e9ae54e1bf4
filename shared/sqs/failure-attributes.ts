/**
 * The SQS message attributes a consumer puts on a message it sends to its dead-letter queue: why it was refused,
 * by whom, and where it came from. Read back by `npm run dlq` (tools/dead-letter-queues.ts) and by operators with
 * `aws sqs receive-message --message-attribute-names All` (docs/runbooks/dlq-redrive.md).
 *
 * SQS limits what they may hold: at most 10 attributes per message, counted in the message's size, and only the
 * characters XML allows (#x9, #xA, #xD, #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF). Every value here is bounded
 * and cleaned to fit, so that no attribute can be the reason the dead-lettering fails.
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { AppError } from '../errors.js';

/** The attributes' names, in one place for the consumer that writes them and the tools that read them. */
export const FAILURE_ATTRIBUTE = {
  /** The error's code (`VALIDATION_FAILED`, `NOT_FOUND`, `INVALID_CART`, ...) or, for other errors, its name. */
  code: 'FailureCode',
  /** The error's message, at most `MAX_REASON_CHARACTERS`. */
  reason: 'FailureReason',
  /** JSON of the error's details (the zod issues of a message that does not match its schema), when it has some. */
  details: 'FailureDetails',
  /** The consumer function that refused the message. */
  failedBy: 'FailedBy',
  /** ARN of the queue the message was received from: where a redrive returns it. */
  sourceQueue: 'SourceQueue',
  /** The message id it had in the source queue (the DLQ gives it a new one), as the consumer's logs name it. */
  originalMessageId: 'OriginalMessageId',
  /** When the source queue first handed the message to a consumer (ISO 8601). */
  firstReceivedAt: 'FirstReceivedAt',
} as const;

/** SQS accepts no more than this many message attributes on one message. */
const MAX_MESSAGE_ATTRIBUTES = 10;
/** A reason is a sentence, not a payload: longer ones are cut and end with `…`. */
const MAX_REASON_CHARACTERS = 1024;
/**
 * The details' JSON at most (UTF-8 bytes): small beside the message size limit (256 KiB), large enough for dozens of
 * issues. Beyond it, issues are left out from the end and the last entry says how many.
 */
const MAX_DETAILS_BYTES = 8192;
/** Each string inside the details (an issue's path or message) at most; a hostile key can be arbitrarily long. */
const MAX_DETAIL_STRING_CHARACTERS = 256;
/** Details are our own error's, never deep; anything below this depth is replaced by a marker. */
const MAX_DETAIL_DEPTH = 6;
/** Entries of an array or object inside the details at most: more would not fit `MAX_DETAILS_BYTES` anyway. */
const MAX_DETAIL_ITEMS = 100;

/** Why a message was refused, as the consumer reports it. */
export interface Refusal {
  readonly code: string;
  readonly reason: string;
  readonly details?: unknown;
}

/** The refusal an error stands for: an `AppError`'s code, message and details; another error's name and message. */
export function refusalOf(error: Error): Refusal {
  if (error instanceof AppError) return { code: error.code, reason: error.message, details: error.details };
  return { code: error.name || 'Error', reason: error.message };
}

/**
 * The attributes of the dead-lettered copy of `record`: the failure attributes first, then as many of the
 * message's own attributes as SQS still takes (a redrive must return the message as it was; a same-named one of
 * ours, from an earlier refusal of a redriven message, is replaced).
 */
export function deadLetterAttributes(
  record: SQSRecord,
  refusal: Refusal,
  failedBy: string,
): Record<string, MessageAttributeValue> {
  const firstReceived = Number(record.attributes.ApproximateFirstReceiveTimestamp);
  const ours: Record<string, string | undefined> = {
    [FAILURE_ATTRIBUTE.code]: clip(refusal.code, MAX_DETAIL_STRING_CHARACTERS),
    [FAILURE_ATTRIBUTE.reason]: clip(refusal.reason, MAX_REASON_CHARACTERS),
    [FAILURE_ATTRIBUTE.details]: detailsJson(refusal.details),
    [FAILURE_ATTRIBUTE.failedBy]: failedBy,
    [FAILURE_ATTRIBUTE.sourceQueue]: record.eventSourceARN,
    [FAILURE_ATTRIBUTE.originalMessageId]: record.messageId,
    [FAILURE_ATTRIBUTE.firstReceivedAt]: Number.isFinite(firstReceived)
      ? new Date(firstReceived).toISOString()
      : undefined,
  };
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(ours)) {
    const text = value === undefined ? '' : sqsText(value);
    // SQS refuses an empty string value; an attribute with nothing to say is left out.
    if (text.length > 0) attributes[name] = { DataType: 'String', StringValue: text };
  }
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (Object.keys(attributes).length >= MAX_MESSAGE_ATTRIBUTES) break;
    if (name in ours) continue;
    const converted = fromLambdaAttribute(value);
    if (converted) attributes[name] = converted;
  }
  return attributes;
}

/**
 * The details as JSON of at most `MAX_DETAILS_BYTES`, or undefined without details. An array (the zod issues) keeps
 * its first entries and ends with `{ "omitted": n }`; anything else too large becomes `{ "truncated": true }`.
 */
function detailsJson(details: unknown, maxBytes = MAX_DETAILS_BYTES): string | undefined {
  if (details === undefined || details === null) return undefined;
  const fits = (json: string) => Buffer.byteLength(json, 'utf8') <= maxBytes;
  if (!Array.isArray(details)) {
    const json = JSON.stringify(boundDetails(details, 0));
    return fits(json) ? json : JSON.stringify({ truncated: true });
  }
  const head = details.slice(0, MAX_DETAIL_ITEMS).map((item) => boundDetails(item, 1));
  for (let kept = head.length; kept >= 0; kept--) {
    const json = JSON.stringify(
      kept === details.length ? head : [...head.slice(0, kept), { omitted: details.length - kept }],
    );
    if (fits(json)) return json;
  }
  return JSON.stringify({ truncated: true });
}

/**
 * A JSON-safe copy of `value`: strings clipped, at most `MAX_DETAIL_ITEMS` entries per array or object, nothing
 * nested deeper than `MAX_DETAIL_DEPTH`.
 */
function boundDetails(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return clip(value, MAX_DETAIL_STRING_CHARACTERS);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value !== 'object') return String(value);
  if (depth >= MAX_DETAIL_DEPTH) return '…';
  if (Array.isArray(value)) return value.slice(0, MAX_DETAIL_ITEMS).map((item) => boundDetails(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value)
      .slice(0, MAX_DETAIL_ITEMS)
      .map(([key, item]) => [clip(key, MAX_DETAIL_STRING_CHARACTERS), boundDetails(item, depth + 1)]),
  );
}

/** `text` cut to `max` characters, ending with `…` when cut. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Characters SQS refuses (outside XML's), lone surrogates included, replaced by U+FFFD. */
const NOT_SQS_TEXT = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` with only characters SQS accepts in a message or attribute. */
function sqsText(text: string): string {
  return text.replace(NOT_SQS_TEXT, '\uFFFD');
}

/** A Lambda event's attribute (`stringValue`, base64 `binaryValue`) as SendMessage takes it. */
function fromLambdaAttribute(value: SQSMessageAttributes[string]): MessageAttributeValue | undefined {
  if (value.stringValue !== undefined) return { DataType: value.dataType, StringValue: value.stringValue };
  if (value.binaryValue !== undefined) {
    return { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
  }
  return undefined;
}
