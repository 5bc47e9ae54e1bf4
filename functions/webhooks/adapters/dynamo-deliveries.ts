/**
 * The delivery log (DELIVERIES_TABLE_NAME, keyed by `webhookId` and `deliveryId`). Delivery ids start with the
 * event's time, so a query backwards reads the newest first.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createUnlessExists } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { Deliveries, DeliveryRecord } from '../ports/deliveries.js';

export function dynamoDeliveries(): Deliveries {
  const tableName = () => requiredEnv(tableEnv('DELIVERIES'));
  return {
    create(record) {
      return createUnlessExists({ tableName: tableName(), key: 'deliveryId', item: { ...record } });
    },
    async get(webhookId, deliveryId) {
      const { Item } = await dynamoDocumentClient().send(
        new GetCommand({ TableName: tableName(), Key: { webhookId, deliveryId }, ConsistentRead: true }),
      );
      return Item as DeliveryRecord | undefined;
    },
    async list(webhookId, limit) {
      const { Items } = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'webhookId = :webhookId',
          ExpressionAttributeValues: { ':webhookId': webhookId },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (Items ?? []) as DeliveryRecord[];
    },
    async recordAttempt(webhookId, deliveryId, outcome, at) {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { webhookId, deliveryId },
          UpdateExpression:
            outcome.nextAttemptAt === undefined
              ? 'SET attempts = list_append(attempts, :attempt), #status = :status, updatedAt = :at REMOVE nextAttemptAt'
              : 'SET attempts = list_append(attempts, :attempt), #status = :status, updatedAt = :at, nextAttemptAt = :next',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':attempt': [outcome.attempt],
            ':status': outcome.status,
            ':at': at,
            ...(outcome.nextAttemptAt === undefined ? {} : { ':next': outcome.nextAttemptAt }),
          },
        }),
      );
    },
    async setStatus(webhookId, deliveryId, status, at) {
      await dynamoDocumentClient().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { webhookId, deliveryId },
          UpdateExpression: 'SET #status = :status, updatedAt = :at REMOVE nextAttemptAt',
          ConditionExpression: 'attribute_exists(deliveryId)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':at': at },
        }),
      );
    },
  };
}
