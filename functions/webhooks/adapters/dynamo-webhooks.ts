/**
 * Webhooks (WEBHOOKS_TABLE_NAME, keyed by `webhookId`, index `byTenant` on `tenantId`). Secrets are stored as KMS
 * ciphertexts only (`secret.ciphertext`, `previousSecret.ciphertext`).
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, createOrFind } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { WebhookRecord, Webhooks } from '../ports/webhooks.js';

/** The index the webhooks stack declares on `tenantId`. */
const WEBHOOKS_BY_TENANT_INDEX = 'byTenant';

export function dynamoWebhooks(): Webhooks {
  const tableName = () => requiredEnv(tableEnv('WEBHOOKS'));
  const get = async (webhookId: string): Promise<WebhookRecord | undefined> => {
    const { Item } = await dynamoDocumentClient().send(
      // Consistent: a rotation or a deletion must be seen by the very next delivery.
      new GetCommand({ TableName: tableName(), Key: { webhookId }, ConsistentRead: true }),
    );
    return Item as WebhookRecord | undefined;
  };
  return {
    get,
    async create(record) {
      const { created, record: webhook } = await createOrFind({
        tableName: tableName(),
        key: 'webhookId',
        record,
        find: () => get(record.webhookId),
      });
      return { created, webhook };
    },
    async listByTenant(tenantId) {
      const items: WebhookRecord[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamoDocumentClient().send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: WEBHOOKS_BY_TENANT_INDEX,
            KeyConditionExpression: 'tenantId = :tenantId',
            ExpressionAttributeValues: { ':tenantId': tenantId },
            ExclusiveStartKey,
          }),
        );
        items.push(...((page.Items ?? []) as WebhookRecord[]));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    },
    rotate(webhookId, rotation, expectedCiphertext) {
      return conditionally(
        dynamoDocumentClient().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { webhookId },
            UpdateExpression: 'SET secret = :secret, previousSecret = :previous, rotationKey = :key',
            ConditionExpression: 'attribute_exists(webhookId) AND secret.ciphertext = :expected',
            ExpressionAttributeValues: {
              ':secret': rotation.secret,
              ':previous': rotation.previousSecret,
              ':key': rotation.rotationKey,
              ':expected': expectedCiphertext,
            },
          }),
        ),
      );
    },
    async delete(webhookId) {
      await dynamoDocumentClient().send(new DeleteCommand({ TableName: tableName(), Key: { webhookId } }));
    },
  };
}
