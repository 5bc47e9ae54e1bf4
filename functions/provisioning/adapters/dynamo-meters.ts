/**
 * Meters (METERS_TABLE_NAME, `resourceId` + `meterId`; GSI `byProject`). One meter per resource (`m_<resourceId>`),
 * created with a condition, so a repeated StartBilling can never start a second one; stopping sets `stoppedAt` once.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { tableEnv } from '../../../shared/environment.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import type { MeterRecord, Meters } from '../ports/meters.js';

export function dynamoMeters(): Meters {
  const tableName = () => requiredEnv(tableEnv('METERS'));
  const client = () => dynamoDocumentClient();

  return {
    async start(meter) {
      try {
        await client().send(
          new PutCommand({
            TableName: tableName(),
            Item: { ...meter },
            ConditionExpression: 'attribute_not_exists(meterId)',
          }),
        );
        return { started: true, meter };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const { Item } = await client().send(
          new GetCommand({
            TableName: tableName(),
            Key: { resourceId: meter.resourceId, meterId: meter.meterId },
            ConsistentRead: true,
          }),
        );
        if (!Item) throw error;
        return { started: false, meter: Item as MeterRecord };
      }
    },

    async stop(resourceId, meterId, at) {
      try {
        await client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { resourceId, meterId },
            UpdateExpression: 'SET stoppedAt = :at',
            ConditionExpression: 'attribute_exists(meterId) AND attribute_not_exists(stoppedAt)',
            ExpressionAttributeValues: { ':at': at },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },
  };
}
