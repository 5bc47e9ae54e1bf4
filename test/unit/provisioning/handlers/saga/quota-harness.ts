/** The DynamoDB stub of the ReserveQuota and ReleaseQuota step tests, at a fixed time. */
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { RESOURCE_ID, tenantItem } from '../../harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const SMALL = { vcpu: 1, memoryGiB: 2, storageGiB: 0 };
export const NOW = '2026-01-01T00:00:00.000Z';

export function transactItems(index = 0) {
  return dynamo.commandCalls(TransactWriteCommand)[index]?.args[0].input.TransactItems ?? [];
}

/** The clock at NOW and fresh stubs: the resource and the tenant are stored, every write succeeds. */
export function prepareStores(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  dynamo.reset();
  dynamo
    .on(GetCommand, { TableName: 'resources-table' })
    .resolves({ Item: { resourceId: RESOURCE_ID, tenantId: 'tenant-a' } });
  dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({ Item: tenantItem() });
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
}
