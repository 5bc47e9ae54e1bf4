/** The stubs of the resource handler tests (GET and DELETE a resource), and the resource they find. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ENV, executionArnOf, RESOURCE_ID, resourceItem } from '../../harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const sfn = mockClient(SFNClient);
export const eventBridge = mockClient(EventBridgeClient);

export const DEPROVISION_ARN = executionArnOf(ENV.DEPROVISION_STATE_MACHINE_ARN, `${RESOURCE_ID}-delete`);

export function stored(overrides: Record<string, unknown> = {}) {
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: resourceItem(overrides) });
}

/** Fresh stubs: the resource is stored, sagas start and run, updates and audit events succeed. */
export function prepareStores(): void {
  dynamo.reset();
  sfn.reset();
  eventBridge.reset();
  stored();
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
  sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: executionArnOf(input.stateMachineArn, input.name),
  }));
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
}
