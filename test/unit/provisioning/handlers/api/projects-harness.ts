/** The stubs of the project handler tests (POST a project, GET it and its usage), and a read of one project. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { handler as getProject } from '../../../../../functions/provisioning/handlers/api/get-project.js';
import { apiEvent, type Caller, lambdaContext, PROJECT_ID, projectItem } from '../../harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const eventBridge = mockClient(EventBridgeClient);

export const read = (handler: typeof getProject, caller: Caller, projectId = PROJECT_ID) =>
  handler(apiEvent({ caller, pathParameters: { projectId } }), lambdaContext);

/** Fresh stubs: the project is stored, puts and audit events succeed. */
export function prepareStores(): void {
  dynamo.reset();
  eventBridge.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem() });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
}
