/**
 * Logging for queue messages that can never succeed because they do not parse. They are not swallowed: the record
 * fails, and the queue's redrive policy moves it to the DLQ after `maxReceiveCount` receives (that is the DLQ's job).
 * The log line says why, so the person who looks at the DLQ alarm does not have to guess. (A message that parses but
 * asks for what can never be done is its use case's to refuse, e.g. use-cases/start-requested-checkout.ts.)
 */
import * as z from 'zod';
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

function idOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
}

function detailTypeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null
    ? (value as { 'detail-type'?: unknown })['detail-type']
    : undefined;
}
