/** The DynamoDB stub of the ReserveCapacity and ReleaseCapacity step tests, at a fixed time. */
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { RESOURCE_ID } from '../../harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const NOW = '2026-01-01T00:00:00.000Z';

export const transactItems = () => dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];

/** The clock at NOW and fresh stubs: the resource is stored, every write succeeds. */
export function prepareStores(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(NOW));
  dynamo.reset();
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: { resourceId: RESOURCE_ID } });
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
}
