/**
 * The adapter every saga step Lambda is built from. The state machine invokes it with the saga state; it parses the
 * command with zod, binds the correlation ID, and runs the use case idempotently, keyed on the saga's id: a step
 * delivered twice (a Retry after a timeout, a redelivered message) does its work once and returns the same result.
 *
 * Errors propagate unchanged: their `name` is what the state machine's Retry and Catch select on.
 *
 * @example
 * export const handler = sagaStep({ command: ReserveInventoryCommand, key: 'checkoutId' }, (command) =>
 *   reserveInventory(command, { inventory: dynamoInventory() }));
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { zodIssues } from '../http/zod-issues.js';
import { idempotentCommand } from '../idempotency.js';
import { bindCorrelationId, logger } from '../powertools/index.js';
import { observability } from '../powertools/middlewares.js';

export interface SagaStepSpec<TCommand extends z.ZodType> {
  readonly command: TCommand;
  /** JMESPath of the saga id in the command; with the function name it forms the idempotency key. */
  readonly key: string;
}

export function sagaStep<TCommand extends z.ZodType, TResult>(
  spec: SagaStepSpec<TCommand>,
  useCase: (command: z.infer<TCommand>) => Promise<TResult>,
) {
  const idempotentUseCase = idempotentCommand(useCase as (command: object) => Promise<TResult>, { keyPath: spec.key });
  // An operator's replay of a parked state (`replay.of` names the replay) runs the step again under keys of its own:
  // the saga's first run may have stored a no-op result for it (a release while the order still held the stock).
  const replayedUseCase = idempotentCommand(useCase as (command: object) => Promise<TResult>, {
    keyPath: `join('#', [${spec.key}, replay.of])`,
  });
  const adapter = async (event: unknown, context: Context): Promise<TResult> => {
    const parsed = spec.command.safeParse(event);
    if (!parsed.success) {
      throw new ValidationError('The saga step received an invalid command', zodIssues(parsed.error));
    }
    const command = parsed.data as z.infer<TCommand> & { correlationId?: string };
    if (command.correlationId) bindCorrelationId(command.correlationId);
    const replay = replayOf(event);
    const run = replay ? replayedUseCase : idempotentUseCase;
    run.registerContext(context);
    const result = await run(replay ? { ...(command as object), replay } : (command as object));
    logger.info('Saga step done');
    return result;
  };
  return middy(adapter).use(observability());
}

/** `{ from, of }` of a saga state an operator replays (`npm run dlq -- replay`); none for a saga's own run. */
function replayOf(event: unknown): { from: string; of: string } | undefined {
  const replay = (event as { replay?: { from?: unknown; of?: unknown } } | null)?.replay;
  return typeof replay?.from === 'string' && typeof replay.of === 'string'
    ? { from: replay.from, of: replay.of }
    : undefined;
}
