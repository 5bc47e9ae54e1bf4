/**
 * Idempotency of requesting a resource, with Powertools' real idempotency against an in-memory stand-in for its
 * table: the same key and body give the same resource and one saga; the same key with another body is a 409.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/provisioning/handlers/api/request-resource.js';
import {
  apiEvent,
  bodyOf,
  type Caller,
  executionArnOf,
  inMemoryIdempotencyTable,
  lambdaContext,
  MEMBER,
  PROJECT_ID,
  projectItem,
  tenantItem,
} from '../../harness.js';

vi.hoisted(() => {
  delete process.env.POWERTOOLS_IDEMPOTENCY_DISABLED;
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    TENANTS_TABLE_NAME: 'tenants-table',
    PROJECTS_TABLE_NAME: 'projects-table',
    RESOURCES_TABLE_NAME: 'resources-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    EVENT_BUS_NAME: 'sagastack-bus',
    PROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:provision-saga',
    DEFAULT_TENANT_QUOTAS: '{"vcpu":4,"memoryGiB":16,"storageGiB":100}',
  });
});

const idempotencyDynamo = mockClient(DynamoDBClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const eventBridge = mockClient(EventBridgeClient);

const BODY = { type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'web-1' };

beforeEach(() => {
  idempotencyDynamo.reset();
  dynamo.reset();
  sfn.reset();
  eventBridge.reset();
  inMemoryIdempotencyTable(idempotencyDynamo);
  dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem() });
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});
  dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({ Item: tenantItem() });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: executionArnOf(input.stateMachineArn, input.name),
  }));
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

const post = (body: unknown, key: string, caller: Caller = MEMBER) =>
  handler(
    apiEvent({
      method: 'POST',
      caller,
      pathParameters: { projectId: PROJECT_ID },
      body,
      headers: { 'Idempotency-Key': key },
    }),
    lambdaContext,
  );

describe('POST /projects/{projectId}/resources idempotency', () => {
  it('answers a repeat with the same key and body with the same resource, starting one saga', async () => {
    // Act
    const first = await post(BODY, 'key-same-0001');
    const second = await post(BODY, 'key-same-0001');

    // Assess
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(bodyOf(second)).toEqual(bodyOf(first));
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('refuses the same key with another body: 409 IDEMPOTENCY_KEY_REUSED, no second saga', async () => {
    // Act
    await post(BODY, 'key-reused-0001');
    const second = await post({ ...BODY, flavor: 'vm.medium' }, 'key-reused-0001');

    // Assess
    expect(second.statusCode).toBe(409);
    expect(bodyOf(second).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('keeps two callers’ identical keys apart', async () => {
    // Act
    const mine = await post(BODY, 'key-shared-0001');
    const theirs = await post(BODY, 'key-shared-0001', { ...MEMBER, sub: 'user-other' });

    // Assess
    expect(bodyOf(theirs).resourceId).not.toBe(bodyOf(mine).resourceId);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
  });
});
