/**
 * Capacity (CAPACITY_TABLE_NAME, keyed by `pk` = `<region>#<flavor>`): `{ pk, region, flavor, total, used }`, seeded.
 * Taking a slot moves `used` and marks the resource (`capacityHeld`, RESOURCES_TABLE_NAME) in one transaction, so a
 * repeated step never takes two slots and a release gives back the one that was taken.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITIONAL_CHECK_FAILED, cancellationCodes } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { tableEnv } from '../../../shared/environment.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import type { CapacityPool } from '../ports/capacity.js';
import { readHold, settleRefusedHold, settleRefusedRelease } from './dynamo-conditions.js';

export const capacityKey = (region: string, flavor: string): string => `${region}#${flavor}`;

export function dynamoCapacity(): CapacityPool {
  const client = () => dynamoDocumentClient();
  const capacityTable = () => requiredEnv(tableEnv('CAPACITY'));
  const resourcesTable = () => requiredEnv(tableEnv('RESOURCES'));

  return {
    async reserve({ resourceId, region, flavor }) {
      const resource = await readHold(resourceId, 'capacityHeld');
      if (!resource) return 'RESOURCE_GONE';
      if (resource.held !== undefined) return 'ALREADY_RESERVED';
      const pk = capacityKey(region, flavor);
      const now = new Date().toISOString();
      try {
        await client().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: resourcesTable(),
                  Key: { resourceId },
                  UpdateExpression: 'SET capacityHeld = :pk, updatedAt = :now',
                  ConditionExpression: 'attribute_exists(resourceId) AND attribute_not_exists(capacityHeld)',
                  ExpressionAttributeValues: { ':pk': pk, ':now': now },
                },
              },
              {
                Update: {
                  TableName: capacityTable(),
                  Key: { pk },
                  UpdateExpression: 'SET #used = #used + :one',
                  // `used + 1 <= total` is `used < total`: DynamoDB conditions compare, they do not add.
                  ConditionExpression: 'attribute_exists(pk) AND #used < #total',
                  ExpressionAttributeNames: { '#used': 'used', '#total': 'total' },
                  ExpressionAttributeValues: { ':one': 1 },
                },
              },
            ],
          }),
        );
        return 'RESERVED';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        if (codes[0] === CONDITIONAL_CHECK_FAILED) return settleRefusedHold(resourceId, 'capacityHeld');
        if (codes[1] === CONDITIONAL_CHECK_FAILED) return 'NO_SLOT';
        throw error;
      }
    },

    async release(resourceId) {
      const held = (await readHold(resourceId, 'capacityHeld'))?.held;
      if (typeof held !== 'string') return 'NOTHING_HELD';
      try {
        await client().send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: resourcesTable(),
                  Key: { resourceId },
                  UpdateExpression: 'SET updatedAt = :now REMOVE capacityHeld',
                  ConditionExpression: 'capacityHeld = :pk',
                  ExpressionAttributeValues: { ':pk': held, ':now': new Date().toISOString() },
                },
              },
              {
                Update: {
                  TableName: capacityTable(),
                  Key: { pk: held },
                  UpdateExpression: 'SET #used = #used - :one',
                  // No floor on `used`: a compensation that can never succeed would only trade a count for a stuck saga.
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeNames: { '#used': 'used' },
                  ExpressionAttributeValues: { ':one': 1 },
                },
              },
            ],
          }),
        );
        return 'RELEASED';
      } catch (error) {
        return settleRefusedRelease(error, resourceId, 'capacityHeld', 'capacity row');
      }
    },
  };
}
