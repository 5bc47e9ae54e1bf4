/**
 * Meters (METERS_TABLE_NAME, `resourceId` + `meterId`; GSI `byProject`). One meter per resource (`m_<resourceId>`),
 * created with a condition, so a repeated StartBilling can never start a second one; stopping sets `stoppedAt` once.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, createOrFind } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { Meter } from '../domain/usage.js';
import type { Meters } from '../ports/meters.js';

export function dynamoMeters(): Meters {
  const tableName = () => requiredEnv(tableEnv('METERS'));
  const client = () => dynamoDocumentClient();

  return {
    async start(meter) {
      const stored = await createOrFind({
        tableName: tableName(),
        key: 'meterId',
        record: meter,
        find: async () => {
          const { Item } = await client().send(
            new GetCommand({
              TableName: tableName(),
              Key: { resourceId: meter.resourceId, meterId: meter.meterId },
              ConsistentRead: true,
            }),
          );
          return Item as Meter | undefined;
        },
      });
      return { started: stored.created, meter: stored.record };
    },

    stop: async (resourceId, meterId, at) =>
      conditionally(
        client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { resourceId, meterId },
            UpdateExpression: 'SET stoppedAt = :at',
            ConditionExpression: 'attribute_exists(meterId) AND attribute_not_exists(stoppedAt)',
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      ),
  };
}
