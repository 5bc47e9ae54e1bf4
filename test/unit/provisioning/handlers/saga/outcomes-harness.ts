/**
 * The stubs of the ValidateRequest and outcome step tests (MarkActive, MarkFailed, MarkDeprovisionFailed, MarkDeleted).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { projectItem, resourceItem } from '../../harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const eventBridge = mockClient(EventBridgeClient);

export function stored(overrides: Record<string, unknown>) {
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: resourceItem(overrides) });
}

/** Fresh stubs: the project exists, the resource is PROVISIONING, updates and audit events succeed. */
export function prepareStores(): void {
  dynamo.reset();
  eventBridge.reset();
  dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem() });
  stored({ status: 'PROVISIONING' });
  dynamo.on(UpdateCommand).resolves({});
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
}
