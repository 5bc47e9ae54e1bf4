import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resourceIdFor } from '../../../../../functions/provisioning/domain/ids.js';
import { handler } from '../../../../../functions/provisioning/handlers/api/request-resource.js';
import { ResourceAccepted } from '../../../../../shared/contracts/provisioning-api.js';
import { ProvisionSagaInput } from '../../../../../shared/contracts/provisioning-saga.js';
import {
  ADMIN,
  apiEvent,
  auditRecords,
  bodyOf,
  type Caller,
  CUSTOMER,
  conditionFailed,
  ENV,
  executionArnOf,
  lambdaContext,
  MEMBER,
  OTHER_TENANT_ADMIN,
  PROJECT_ID,
  PROJECT_SRN,
  projectItem,
  resourceItem,
  tenantItem,
  VIEWER,
} from '../../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
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

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const eventBridge = mockClient(EventBridgeClient);

const KEY = 'resource-key-0001';
const BODY = { type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'web-1' };
const RESOURCE_ID = resourceIdFor('tenant-a', MEMBER.sub, KEY);
const SRN = `srn:sagastack:eu-west-1:tenant-a:${PROJECT_ID}:vm/${RESOURCE_ID}`;
const EXECUTION_ARN = executionArnOf(ENV.PROVISION_STATE_MACHINE_ARN, RESOURCE_ID);

function post(
  options: { caller?: Caller; body?: unknown; projectId?: string; headers?: Record<string, string> } = {},
): Promise<APIGatewayProxyResult> {
  return handler(
    apiEvent({
      method: 'POST',
      caller: options.caller ?? MEMBER,
      pathParameters: { projectId: options.projectId ?? PROJECT_ID },
      body: options.body ?? BODY,
      headers: options.headers ?? { 'Idempotency-Key': KEY },
    }),
    lambdaContext,
  );
}

/** Nothing reserved, created or started: no DynamoDB write, no saga, no event. */
function expectNothingWritten() {
  expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  expect(sfn.calls()).toHaveLength(0);
}

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  eventBridge.reset();
  dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem() });
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});
  dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({ Item: tenantItem() });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(StartExecutionCommand).callsFake((input: { stateMachineArn: string; name: string }) => ({
    executionArn: executionArnOf(input.stateMachineArn, input.name),
    startDate: new Date(),
  }));
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /projects/{projectId}/resources', () => {
  it('records the resource PROVISIONING, starts its saga, answers 202 with its location and audits', async () => {
    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(ResourceAccepted.parse(bodyOf(response))).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      status: 'PROVISIONING',
    });
    expect(response.headers?.Location).toBe(`/resources/${RESOURCE_ID}`);

    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toEqual({
      TableName: 'resources-table',
      ConditionExpression: 'attribute_not_exists(resourceId)',
      Item: {
        resourceId: RESOURCE_ID,
        srn: SRN,
        tenantId: 'tenant-a',
        projectId: PROJECT_ID,
        type: 'vm',
        flavor: 'vm.small',
        region: 'eu-west-1',
        name: 'web-1',
        status: 'PROVISIONING',
        createdBy: MEMBER.sub,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });

    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input).toMatchObject({
      stateMachineArn: ENV.PROVISION_STATE_MACHINE_ARN,
      name: RESOURCE_ID,
    });
    const input = ProvisionSagaInput.parse(JSON.parse(start?.args[0].input.input ?? '{}'));
    expect(input).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      tenantId: 'tenant-a',
      projectId: PROJECT_ID,
      type: 'vm',
      flavor: 'vm.small',
      region: 'eu-west-1',
      name: 'web-1',
      correlationId: 'corr-test-0001',
      requestedBy: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
      requestedAt: put?.args[0].input.Item?.createdAt,
    });

    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(Object.values(update?.args[0].input.ExpressionAttributeValues ?? {})).toContain(EXECUTION_ARN);

    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.any(String),
        action: 'resource.create',
        outcome: 'SUCCEEDED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
        details: { type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'web-1' },
      },
    ]);
  });

  it('lets a tenant-admin request resources too', async () => {
    // Act
    const response = await post({ caller: ADMIN });

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response).resourceId).toBe(resourceIdFor('tenant-a', ADMIN.sub, KEY));
  });

  it('names a volume with its type in the SRN', async () => {
    // Act
    const response = await post({
      body: { type: 'volume', flavor: 'vol.standard-10', region: 'us-east-1', name: 'd' },
    });

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response).srn).toBe(`srn:sagastack:us-east-1:tenant-a:${PROJECT_ID}:volume/${RESOURCE_ID}`);
  });

  it('accepts a request that brings usage exactly to the quota', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({
      Item: tenantItem({ used: { vcpu: 3, memoryGiB: 14, storageGiB: 0 } }),
    });

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(202);
  });

  it('refuses a request over quota with 422 QUOTA_EXCEEDED, and writes nothing at all', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({
      Item: tenantItem({ used: { vcpu: 4, memoryGiB: 8, storageGiB: 0 } }),
    });

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: "The tenant's quota is exceeded: vcpu needs 1, 0 left",
      details: {
        exceeded: ['vcpu'],
        requested: { vcpu: 1, memoryGiB: 2, storageGiB: 0 },
        available: { vcpu: 0, memoryGiB: 8, storageGiB: 100 },
      },
    });
    expectNothingWritten();
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('checks a tenant without an item against DEFAULT_TENANT_QUOTAS, and creates nothing', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({});

    // Act
    const large = await post({ body: { ...BODY, flavor: 'vm.large' } });
    const small = await post();

    // Assess
    expect(large.statusCode).toBe(422);
    expect(bodyOf(large).error.details.exceeded).toEqual(['vcpu', 'memoryGiB']);
    expect(small.statusCode).toBe(202);
    expect(dynamo.commandCalls(PutCommand, { TableName: 'tenants-table' })).toHaveLength(0);
  });

  it('answers 404, not 403, for a project of another tenant, and writes nothing', async () => {
    // Act
    const response = await post({ caller: OTHER_TENANT_ADMIN });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.message).toBe(`Project ${PROJECT_ID} was not found`);
    expectNothingWritten();
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers 404 for a project that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({});

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(404);
    expectNothingWritten();
  });

  it.each([
    ['a viewer', VIEWER],
    ['a caller without provisioning roles', CUSTOMER],
  ])('refuses %s with 403, writes nothing, and publishes a DENIED audit event', async (_case, caller) => {
    // Act
    const response = await post({ caller });

    // Assess
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response).error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'This requires the role member or above',
    });
    expectNothingWritten();
    const puts = eventBridge.commandCalls(PutEventsCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: 'sagastack-bus',
      Source: 'sagastack.provisioning',
      DetailType: 'AuditEvent.v1',
    });
    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.any(String),
        action: 'resource.create',
        outcome: 'DENIED',
        srn: PROJECT_SRN,
        tenantId: 'tenant-a',
        actor: { sub: caller.sub, tenant: 'tenant-a', roles: [...caller.roles] },
        details: { requiredRole: 'member' },
      },
    ]);
  });

  it.each([
    ['an unknown flavor', { ...BODY, flavor: 'vm.huge' }, 'flavor'],
    ['a volume flavor for a VM', { ...BODY, flavor: 'vol.standard-10' }, 'flavor'],
    ['an unknown region', { ...BODY, region: 'ap-south-1' }, 'region'],
  ])('refuses %s with 400 naming the field, and writes nothing', async (_case, body, field) => {
    // Act
    const response = await post({ body });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: field })],
    });
    expectNothingWritten();
  });

  it('refuses a body that does not match the schema with 400', async () => {
    // Act
    const response = await post({ body: { ...BODY, type: 'disk', extra: true } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('requires an Idempotency-Key', async () => {
    // Act
    const response = await post({ headers: {} });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers a repeat of a request that already started its saga with the same resource, starting nothing', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: resourceItem({ resourceId: RESOURCE_ID, srn: SRN, status: 'ACTIVE', executionArn: EXECUTION_ARN }),
    });
    // Over quota by now (this very resource counts): a repeat is not checked again.
    dynamo.on(GetCommand, { TableName: 'tenants-table' }).resolves({
      Item: tenantItem({ used: { vcpu: 4, memoryGiB: 16, storageGiB: 100 } }),
    });

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ resourceId: RESOURCE_ID, srn: SRN, status: 'PROVISIONING' });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(auditRecords(eventBridge)[0]).toMatchObject({ action: 'resource.create', details: { repeated: true } });
  });

  it('starts the saga on a repeat whose first attempt recorded the resource but could not start it', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: resourceItem({ resourceId: RESOURCE_ID, srn: SRN, status: 'PROVISIONING' }),
    });

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(202);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toMatchObject({ resourceId: RESOURCE_ID, requestedAt: '2026-01-01T00:00:00.000Z' });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses the same key with another body: 409 IDEMPOTENCY_KEY_REUSED', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({
      Item: resourceItem({ resourceId: RESOURCE_ID, srn: SRN, name: 'another-name', executionArn: EXECUTION_ARN }),
    });

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(sfn.calls()).toHaveLength(0);
  });

  it('treats losing the create race to a concurrent identical request as that request', async () => {
    // Prepare
    dynamo.on(PutCommand, { TableName: 'resources-table' }).rejects(conditionFailed());
    dynamo
      .on(GetCommand, { TableName: 'resources-table' })
      .resolvesOnce({})
      .resolves({ Item: resourceItem({ resourceId: RESOURCE_ID, srn: SRN, status: 'PROVISIONING' }) });

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('answers 503 when the saga cannot be started, so the client retries with the same key', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response).error.message).not.toContain('Rate exceeded');
    expect(auditRecords(eventBridge)).toEqual([]);
  });

  it('takes an execution that already exists under the resource’s name as this request’s saga', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(202);
    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(Object.values(update?.args[0].input.ExpressionAttributeValues ?? {})).toContain(EXECUTION_ARN);
  });

  it('still answers 202 when only storing the execution ARN fails: the saga runs', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(new Error('throttled'));

    // Act
    const response = await post();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });
});
