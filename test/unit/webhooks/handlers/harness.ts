/**
 * What the webhooks handler tests share: the environment their stack sets, AWS clients stubbed with
 * aws-sdk-client-mock over a small in-memory store (enough of Get, Put, Query, Update and Delete for these handlers),
 * a KMS stub that "encrypts" by binding the secret to its encryption context, and the audit events published.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

export const ENV = {
  POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
  IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  EVENT_BUS_NAME: 'sagastack-bus',
  WEBHOOKS_TABLE_NAME: 'webhooks-table',
  DELIVERIES_TABLE_NAME: 'deliveries-table',
  ENDPOINT_SLOTS_TABLE_NAME: 'slots-table',
  ORDER_TENANTS_TABLE_NAME: 'order-tenants-table',
  WEBHOOK_DELIVERY_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/deliveries-dlq',
  WEBHOOK_SECRET_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/webhooks',
  WEBHOOK_LOOPBACK_HTTP: 'on',
  WEBHOOK_RETRY_SCHEDULE: JSON.stringify({
    maxAttempts: 3,
    firstRetrySeconds: 10,
    backoffRate: 2,
    maxDelaySeconds: 60,
  }),
  WEBHOOK_REQUEST_TIMEOUT_MS: '2000',
  WEBHOOK_ENDPOINT_CONCURRENCY: '2',
  WEBHOOK_BUSY_RETRY_SECONDS: '4',
  WEBHOOK_SECRET_OVERLAP_SECONDS: '3600',
} as const;

export const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
export const kms = mockClient(KMSClient);
export const sqs = mockClient(SQSClient);

type Item = Record<string, unknown>;
/** Table → key (JSON of the key attributes) → item. */
export const tables = new Map<string, Map<string, Item>>();
const KEYS: Record<string, readonly string[]> = {
  'webhooks-table': ['webhookId'],
  'deliveries-table': ['webhookId', 'deliveryId'],
  'slots-table': ['slotId'],
  'order-tenants-table': ['orderId'],
};
const keyOf = (table: string, item: Item) => JSON.stringify((KEYS[table] ?? []).map((name) => item[name]));
const tableOf = (name: string) => {
  const table = tables.get(name) ?? new Map<string, Item>();
  tables.set(name, table);
  return table;
};
const conditionFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

/** Fresh stubs over an empty store. Conditions are honoured where these handlers rely on them. */
export function prepareStubs(): void {
  for (const client of [dynamo, eventBridge, kms, sqs]) client.reset();
  tables.clear();
  dynamo.on(GetCommand).callsFake(({ TableName, Key }) => ({ Item: tableOf(TableName).get(keyOf(TableName, Key)) }));
  dynamo.on(PutCommand).callsFake(({ TableName, Item, ConditionExpression }) => {
    const table = tableOf(TableName);
    const existing = table.get(keyOf(TableName, Item));
    if (existing && ConditionExpression?.startsWith('attribute_not_exists')) throw conditionFailed();
    table.set(keyOf(TableName, Item), Item);
    return {};
  });
  dynamo.on(DeleteCommand).callsFake(({ TableName, Key }) => {
    tableOf(TableName).delete(keyOf(TableName, Key));
    return {};
  });
  dynamo.on(QueryCommand).callsFake(({ TableName, ExpressionAttributeValues, ScanIndexForward }) => {
    const [[, wanted]] = Object.entries(ExpressionAttributeValues as Item) as [[string, unknown]];
    const attribute = TableName === 'webhooks-table' ? 'tenantId' : 'webhookId';
    const items = [...tableOf(TableName).values()].filter((item) => item[attribute] === wanted);
    if (ScanIndexForward === false) items.reverse();
    return { Items: items };
  });
  dynamo.on(UpdateCommand).resolves({});
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  kms.on(EncryptCommand).callsFake(({ Plaintext, EncryptionContext }) => ({
    CiphertextBlob: Buffer.from(JSON.stringify({ sealed: Buffer.from(Plaintext).toString('hex'), EncryptionContext })),
  }));
  kms.on(DecryptCommand).callsFake(({ CiphertextBlob, EncryptionContext }) => {
    const sealed = JSON.parse(Buffer.from(CiphertextBlob).toString('utf8'));
    if (JSON.stringify(sealed.EncryptionContext) !== JSON.stringify(EncryptionContext)) {
      throw Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' });
    }
    return { Plaintext: Buffer.from(sealed.sealed, 'hex') };
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
}

export const ADMIN = { sub: 'user-ada', tenant: 'tenant-a', roles: ['tenant-admin'] };
export const MEMBER = { sub: 'user-max', tenant: 'tenant-a', roles: ['member'] };
export const OTHER_TENANT_ADMIN = { sub: 'user-eve', tenant: 'tenant-b', roles: ['tenant-admin'] };
export const WEBHOOK_ID = 'wh_000000000000000000000001';
export const SECRET = 'whsec_test-secret';

/** A stored webhook of tenant-a, its secret sealed as the KMS stub seals it. */
export function storeWebhook(overrides: Item = {}, url = 'http://127.0.0.1:9/hook'): Item {
  const webhook = {
    webhookId: WEBHOOK_ID,
    tenantId: 'tenant-a',
    url,
    events: ['OrderPlaced.v1'],
    createdBy: 'user-ada',
    createdAt: '2026-12-01T00:00:00.000Z',
    secret: { ciphertext: sealed(SECRET, 'tenant-a', WEBHOOK_ID), createdAt: '2026-12-01T00:00:00.000Z' },
    ...overrides,
  };
  tableOf('webhooks-table').set(keyOf('webhooks-table', webhook), webhook);
  return webhook;
}

export function storeDelivery(overrides: Item = {}): Item {
  const delivery = {
    webhookId: WEBHOOK_ID,
    deliveryId: 'dlv_0000000001_0000000000000001',
    tenantId: 'tenant-a',
    eventId: 'evt-1',
    eventType: 'OrderPlaced.v1',
    body: '{"eventId":"evt-1","type":"OrderPlaced.v1"}',
    status: 'PENDING',
    attempts: [],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...overrides,
  };
  tableOf('deliveries-table').set(keyOf('deliveries-table', delivery), delivery);
  return delivery;
}

export const sealed = (secret: string, tenantId: string, webhookId: string) =>
  Buffer.from(
    JSON.stringify({ sealed: Buffer.from(secret).toString('hex'), EncryptionContext: { tenantId, webhookId } }),
  ).toString('base64');

/** The AuditEvent.v1 data published, in order. */
export function auditRecords(): Array<Record<string, unknown>> {
  return eventBridge
    .commandCalls(PutEventsCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => ({ source: entry.Source, ...JSON.parse(entry.Detail ?? '{}').data }));
}
