/**
 * Idempotency for every command: one DynamoDB table shared by all functions (Powertools prefixes each key with the
 * function name, so steps never collide), records expiring after IDEMPOTENCY_TTL_SECONDS.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { optionalEnv, requiredEnv, tableEnv } from './environment.js';

/**
 * One persistence layer per idempotent command, never a shared one: Powertools configures a layer once, with the
 * first command's key and payload paths, and silently ignores later configurations. A shared layer would apply one
 * command's paths to another's input, e.g. a queue consumer keyed on the event id that runs a use case keyed on the
 * client's idempotency key.
 */
function newStore(): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({ tableName: requiredEnv(tableEnv('IDEMPOTENCY')) });
}

export interface IdempotentOptions {
  /** JMESPath into the command that yields its idempotency key, e.g. `checkoutId`. */
  readonly keyPath: string;
  /** JMESPath of the part that must be identical on a repeat; a different payload under the same key is a conflict. */
  readonly payloadPath?: string;
}

export interface IdempotentCommand<TInput, TResult> {
  (input: TInput): Promise<TResult>;
  /** Lets Powertools know the remaining time, so an in-progress record of a timed-out invocation expires with it. */
  registerContext(context: Context): void;
}

/** Wraps a use case so that the same command (by key) runs once and repeats get the stored result. */
export function idempotentCommand<TInput extends object, TResult>(
  useCase: (input: TInput) => Promise<TResult>,
  options: IdempotentOptions,
): IdempotentCommand<TInput, TResult> {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.keyPath,
    ...(options.payloadPath ? { payloadValidationJmesPath: options.payloadPath } : {}),
    expiresAfterSeconds: Number(optionalEnv('IDEMPOTENCY_TTL_SECONDS', '3600')),
    throwOnNoIdempotencyKey: true,
  });
  let wrapped: ((input: TInput) => Promise<TResult>) | undefined;
  const run = (input: TInput): Promise<TResult> => {
    // Built on first use so that importing a handler in a unit test needs no table name.
    wrapped ??= makeIdempotent(useCase, { persistenceStore: newStore(), config });
    return wrapped(input);
  };
  return Object.assign(run, { registerContext: (context: Context) => config.registerLambdaContext(context) });
}
