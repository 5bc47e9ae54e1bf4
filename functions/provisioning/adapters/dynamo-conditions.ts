import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CONDITIONAL_CHECK_FAILED,
  cancellationCodes,
  isConditionalCheckFailed,
} from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { tableEnv } from '../../../shared/environment.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import { logger } from '../../../shared/powertools/index.js';

/** Removes a hold marker (`quotaHeld`, `capacityHeld`) from a resource; nothing happens when it is not there. */
export type HoldMarker = 'quotaHeld' | 'capacityHeld';

export async function dropHold(resourceId: string, marker: HoldMarker): Promise<void> {
  try {
    await dynamoDocumentClient().send(
      new UpdateCommand({
        TableName: requiredEnv(tableEnv('RESOURCES')),
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

/**
 * Reads the refusal of a release transaction whose first action removes the resource's hold marker and whose second
 * gives the amount back to its pool (`pool` names it in the logs, e.g. `tenant`). The hold already gone means another
 * release won: nothing was held. The pool row gone (a reseeded table) leaves nothing to give back to, and a
 * compensation that can never succeed would only leave the saga stuck, so the resource lets go of its hold alone.
 * Any other error is rethrown.
 */
export async function settleRefusedRelease(
  error: unknown,
  resourceId: string,
  marker: HoldMarker,
  pool: string,
): Promise<'NOTHING_HELD' | 'RELEASED'> {
  const codes = cancellationCodes(error);
  if (codes?.[0] === CONDITIONAL_CHECK_FAILED) {
    logger.info(`The ${marker} hold was released concurrently`, { resourceId });
    return 'NOTHING_HELD';
  }
  if (codes?.[1] === CONDITIONAL_CHECK_FAILED) {
    logger.warn(`The ${pool} of a held resource is missing; dropping the hold`, { resourceId });
    await dropHold(resourceId, marker);
    return 'RELEASED';
  }
  throw error;
}
