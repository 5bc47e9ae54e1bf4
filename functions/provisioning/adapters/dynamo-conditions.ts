import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  CONDITIONAL_CHECK_FAILED,
  cancellationCodes,
  isConditionalCheckFailed,
} from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { tableEnv } from '../../../shared/environment.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import { logger } from '../../../shared/powertools/index.js';

/** Where a resource records what it holds of a pool: its tenant's quota, or a capacity slot. */
export type HoldMarker = 'quotaHeld' | 'capacityHeld';

/** What the resource holds under `marker` (the stored value, if any); `undefined` when the resource does not exist. */
export async function readHold(resourceId: string, marker: HoldMarker): Promise<{ held?: unknown } | undefined> {
  const { Item } = await dynamoDocumentClient().send(
    new GetCommand({
      TableName: requiredEnv(tableEnv('RESOURCES')),
      Key: { resourceId },
      ConsistentRead: true,
      ProjectionExpression: `resourceId, ${marker}`,
    }),
  );
  if (!Item) return undefined;
  return Item[marker] == null ? {} : { held: Item[marker] };
}

/**
 * A hold transaction refused on the resource's marker (its first action): a concurrent attempt of the same step took
 * the hold first, or the resource is gone.
 */
export async function settleRefusedHold(
  resourceId: string,
  marker: HoldMarker,
): Promise<'ALREADY_RESERVED' | 'RESOURCE_GONE'> {
  return (await readHold(resourceId, marker)) ? 'ALREADY_RESERVED' : 'RESOURCE_GONE';
}

/** Removes a hold marker from a resource; nothing happens when it is not there. */
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
