/**
 * Service accounts (SERVICE_ACCOUNTS_TABLE_NAME, keyed by `serviceAccountId`, index `byProject` on `projectId`): one
 * item per account with its secrets' salted hashes and a `version` that every change of the secrets moves on.
 */
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, createOrFind } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { ServiceAccountRole } from '../../../shared/contracts/identity-api.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { ServiceAccount, StoredSecret } from '../domain/service-account.js';
import type { ServiceAccounts } from '../ports/service-accounts.js';

export function dynamoServiceAccounts(): ServiceAccounts {
  const tableName = () => requiredEnv(tableEnv('SERVICE_ACCOUNTS'));
  const client = dynamoDocumentClient;

  const find = async (serviceAccountId: string) => {
    const { Item } = await client().send(
      // Consistent: a secret revoked a moment ago must already be refused (the "at the next token request").
      new GetCommand({ TableName: tableName(), Key: { serviceAccountId }, ConsistentRead: true }),
    );
    return Item ? toAccount(Item) : undefined;
  };

  return {
    find,
    async create(account) {
      const { created, record } = await createOrFind({
        tableName: tableName(),
        key: 'serviceAccountId',
        record: account,
        find: () => find(account.serviceAccountId),
      });
      return { created, account: record };
    },
    async listByProject(projectId) {
      const accounts: ServiceAccount[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client().send(
          new QueryCommand({
            TableName: tableName(),
            IndexName: 'byProject',
            KeyConditionExpression: 'projectId = :projectId',
            ExpressionAttributeValues: { ':projectId': projectId },
            ExclusiveStartKey,
          }),
        );
        accounts.push(...(page.Items ?? []).map(toAccount));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return accounts;
    },
    replaceSecrets(account, expectedVersion) {
      return conditionally(
        client().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: { serviceAccountId: account.serviceAccountId },
            // `version` is one of DynamoDB's reserved words.
            UpdateExpression: 'SET secrets = :secrets, #version = :next',
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: {
              ':secrets': account.secrets,
              ':next': account.version,
              ':expected': expectedVersion,
            },
          }),
        ),
      );
    },
    delete(serviceAccountId) {
      return conditionally(
        client().send(
          new DeleteCommand({
            TableName: tableName(),
            Key: { serviceAccountId },
            ConditionExpression: 'attribute_exists(serviceAccountId)',
          }),
        ),
      );
    },
  };
}

function toAccount(item: Record<string, unknown>): ServiceAccount {
  const secrets = Array.isArray(item.secrets) ? (item.secrets as Array<Record<string, unknown>>) : [];
  return {
    serviceAccountId: String(item.serviceAccountId),
    tenantId: String(item.tenantId),
    projectId: String(item.projectId),
    name: String(item.name),
    // A role the contract no longer knows is read as the weakest one rather than trusted.
    role: ServiceAccountRole.catch('viewer').parse(item.role),
    createdBy: String(item.createdBy ?? ''),
    createdAt: String(item.createdAt),
    secrets: secrets.map(toSecret),
    version: Number(item.version ?? 1),
  };
}

function toSecret(item: Record<string, unknown>): StoredSecret {
  return {
    secretId: String(item.secretId),
    hash: String(item.hash),
    salt: String(item.salt),
    createdAt: String(item.createdAt),
    ...(typeof item.revokedAt === 'string' ? { revokedAt: item.revokedAt } : {}),
  };
}
