/**
 * Logging for queue messages that can never succeed. They are not swallowed: the record fails, and the queue's redrive
 * policy moves it to the DLQ after `maxReceiveCount` receives (that is the DLQ's job). The log line says why, so the
 * person who looks at the DLQ alarm does not have to guess.
 */
import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import * as z from 'zod';
import { AppError, TransientError } from '../../../shared/errors.js';
import { zodIssues } from '../../../shared/http/zod-issues.js';
import { logger } from '../../../shared/powertools/index.js';

/**
 * Wraps a message schema so that a message that does not parse is logged with its issues before it fails.
 * `sqsEventConsumer` parses records itself and reports nothing but a count, hence the wrapper.
 */
export function refusalsLogged<TSchema extends z.ZodType>(schema: TSchema, what: string) {
  return z.unknown().transform((value, context): z.output<TSchema> => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issues = zodIssues(parsed.error);
    logger.warn(`${what} refused: it does not match its schema; its queue will dead-letter it`, {
      eventId: idOf(value),
      detailType: detailTypeOf(value),
      issues,
    });
    for (const issue of parsed.error.issues) {
      context.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
    return z.NEVER;
  });
}

/**
 * A refusal is an error no retry can fix: the request itself is wrong (unknown cart, someone else's cart, empty cart,
 * an idempotency key reused with another body). Transient failures, including a concurrent duplicate still in
 * progress, are not refusals: a later receive may succeed.
 */
export function isRefusal(error: unknown): error is Error {
  if (error instanceof IdempotencyValidationError) return true;
  return error instanceof AppError && !(error instanceof TransientError) && error.httpStatus < 500;
}

/** Logs a refusal with its reason; the caller rethrows so the record fails and is eventually dead-lettered. */
export function logRefusal(what: string, error: Error, fields: Record<string, unknown> = {}): void {
  logger.warn(`${what} refused; its queue will dead-letter it`, {
    ...fields,
    reason: error.message,
    errorName: error.name,
    ...(error instanceof AppError ? { code: error.code, details: error.details } : {}),
  });
}

function idOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
}

function detailTypeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null
    ? (value as { 'detail-type'?: unknown })['detail-type']
    : undefined;
}
