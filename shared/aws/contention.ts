/**
 * Retrying DynamoDB writes that met contention. DynamoDB transactions are optimistic: when two touch the same item at
 * once, one is cancelled with a `TransactionConflict` reason, and a single-item write to an item a transaction is
 * applying fails with `TransactionConflictException`. Neither is retried by the SDK's own retry strategy, and both
 * are meant to be sent again after a short, jittered pause. Doing that here, for every client, keeps a hot item (a
 * popular SKU, a busy tenant's quota) from turning into saga retries that wait seconds, or into failed checkouts.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tuning } from '../../lib/config/tuning.js';

/** Cancelled only because another transaction or write had the item: nothing was refused, so sending again is safe. */
export function isContention(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionConflictException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const codes = ((error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []).map(
    (reason) => reason.Code ?? 'None',
  );
  return (
    codes.includes('TransactionConflict') && codes.every((code) => code === 'None' || code === 'TransactionConflict')
  );
}

/** Adds the contention retry to a client's middleware stack; every command sent through it gets it. */
export function retryContention(
  client: DynamoDBClient,
  options: { retries: number; baseDelayMs: number } = {
    retries: tuning.dynamodb.contentionRetries,
    baseDelayMs: tuning.dynamodb.contentionBaseDelayMs,
  },
): DynamoDBClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await next(args);
        } catch (error) {
          if (attempt >= options.retries || !isContention(error)) throw error;
          const pauseMs = Math.random() * options.baseDelayMs * 2 ** attempt;
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }
    },
    { step: 'initialize', name: 'retryContentionMiddleware', override: true },
  );
  return client;
}
