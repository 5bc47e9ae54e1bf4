import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/clients.js';
import { TransientError } from '../../../shared/errors.js';
import { requiredEnv } from '../../../shared/idempotency.js';

/**
 * Reading DynamoDB's refusals. Errors are recognised by `name`, which the SDK sets from the service's error type;
 * that holds whichever copy of the SDK a bundle carries.
 */

export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export const CONDITIONAL_CHECK_FAILED = 'ConditionalCheckFailed';

/** Cancellation codes that mean "try again": contention or throttling, not a refused condition. */
const RETRYABLE_CANCELLATION_CODES = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * For a cancelled transaction, the reason code of each action in the order they were sent (`'None'` for an action
 * that was fine); `undefined` for any other error. Contention is rethrown as a `TransientError` (the saga's Retry
 * handles it), so callers only ever see refused conditions here.
 */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as Error & { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  const codes = reasons.map((reason) => reason.Code ?? 'None');
  if (codes.some((code) => RETRYABLE_CANCELLATION_CODES.has(code))) {
    throw new TransientError('A DynamoDB transaction met contention; retry', { cause: error });
  }
  return codes;
}

/** Removes a hold marker (`quotaHeld`, `capacityHeld`) from a resource; nothing happens when it is not there. */
export async function dropHold(resourceId: string, marker: 'quotaHeld' | 'capacityHeld'): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: requiredEnv('RESOURCES_TABLE_NAME'),
        Key: { resourceId },
        UpdateExpression: 'SET updatedAt = :now REMOVE #marker',
        ConditionExpression: 'attribute_exists(#marker)',
        ExpressionAttributeNames: { '#marker': marker },
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
