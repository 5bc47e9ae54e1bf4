import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { projectIdFor } from '../../../../functions/provisioning/domain/ids.js';
import { handler as createProject } from '../../../../functions/provisioning/handlers/api/create-project.js';
import { handler as getProject } from '../../../../functions/provisioning/handlers/api/get-project.js';
import { handler as getUsage } from '../../../../functions/provisioning/handlers/api/get-usage.js';
import { AuditEvent } from '../../../../shared/contracts/events/audit-events.js';
import { ProjectView, UsageView } from '../../../../shared/contracts/provisioning-api.js';
import {
  ADMIN,
  apiEvent,
  auditRecords,
  bodyOf,
  type Caller,
  CUSTOMER,
  conditionFailed,
  lambdaContext,
  MEMBER,
  OTHER_TENANT_ADMIN,
  PROJECT_ID,
  PROJECT_SRN,
  projectItem,
  publishedEvents,
  VIEWER,
} from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    PROJECTS_TABLE_NAME: 'projects-table',
    USAGE_TABLE_NAME: 'usage-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem() });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const KEY = 'project-key-0001';

const create = (options: { caller?: Caller; body?: unknown; headers?: Record<string, string> } = {}) =>
  createProject(
    apiEvent({
      method: 'POST',
      caller: options.caller ?? ADMIN,
      body: options.body ?? { name: 'web shop' },
      headers: options.headers ?? { 'Idempotency-Key': KEY },
    }),
    lambdaContext,
  );

describe('POST /projects', () => {
  it('creates the project in the caller’s tenant, answers 201 and audits project.create', async () => {
    // Act
    const response = await create();

    // Assess
    expect(response.statusCode).toBe(201);
    const body = ProjectView.parse(bodyOf(response));
    const projectId = projectIdFor('tenant-a', ADMIN.sub, KEY);
    expect(body).toEqual({ projectId, name: 'web shop', tenantId: 'tenant-a', createdAt: expect.any(String) });
    expect(response.headers?.Location).toBe(`/projects/${projectId}`);

    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toEqual({
      TableName: 'projects-table',
      Item: { projectId, tenantId: 'tenant-a', name: 'web shop', createdBy: ADMIN.sub, createdAt: body.createdAt },
      ConditionExpression: 'attribute_not_exists(projectId)',
    });

    const [event] = publishedEvents(eventBridge);
    expect(event).toMatchObject({ source: 'sagastack.audit', detailType: 'AuditEvent.v1', busName: 'sagastack-bus' });
    expect(AuditEvent.detail.parse(event?.detail).data).toEqual({
      eventId: expect.any(String),
      action: 'project.create',
      outcome: 'SUCCEEDED',
      srn: `srn:sagastack::tenant-a:${projectId}:project/${projectId}`,
      tenantId: 'tenant-a',
      actor: { sub: ADMIN.sub, tenant: 'tenant-a', roles: ['tenant-admin'] },
      details: { name: 'web shop' },
    });
    expect(event?.detail.metadata.correlationId).toBe('corr-test-0001');
  });

  it('answers a repeat of the same request with the same project, writing nothing new', async () => {
    // Prepare
    const projectId = projectIdFor('tenant-a', ADMIN.sub, KEY);
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem({ projectId }) });

    // Act
    const response = await create();

    // Assess
    expect(response.statusCode).toBe(201);
    expect(bodyOf(response)).toEqual({
      projectId,
      name: 'web shop',
      tenantId: 'tenant-a',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(auditRecords(eventBridge)[0]?.details).toEqual({ name: 'web shop', repeated: true });
  });

  it('refuses the same key with another name: 409 IDEMPOTENCY_KEY_REUSED', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem({ name: 'other' }) });

    // Act
    const response = await create();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(auditRecords(eventBridge)).toEqual([]);
  });

  it.each([
    ['a member', MEMBER],
    ['a viewer', VIEWER],
    ['a caller without provisioning roles', CUSTOMER],
  ])('refuses %s with 403, writes nothing and audits DENIED', async (_case, caller) => {
    // Act
    const response = await create({ caller });

    // Assess
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response).error.code).toBe('FORBIDDEN');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    const projectId = projectIdFor('tenant-a', caller.sub, KEY);
    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.any(String),
        action: 'project.create',
        outcome: 'DENIED',
        srn: `srn:sagastack::tenant-a:${projectId}:project/${projectId}`,
        tenantId: 'tenant-a',
        actor: { sub: caller.sub, tenant: 'tenant-a', roles: [...caller.roles] },
        details: { requiredRole: 'tenant-admin' },
      },
    ]);
  });

  it('still answers 403 when the DENIED audit event cannot be published', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(new Error('bus unavailable'));

    // Act
    const response = await create({ caller: VIEWER });

    // Assess
    expect(response.statusCode).toBe(403);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('requires an Idempotency-Key', async () => {
    // Act
    const response = await create({ headers: {} });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.details).toEqual([{ path: 'headers.Idempotency-Key', message: 'required' }]);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it.each([
    ['an empty name', { name: '   ' }],
    ['a name too long', { name: 'x'.repeat(65) }],
    ['an unknown field', { name: 'ok', tenantId: 'tenant-b' }],
  ])('refuses %s with 400', async (_case, body) => {
    // Act
    const response = await create({ body });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 503 when the success audit event is refused, so the client retries with the same key', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });

    // Act
    const response = await create();

    // Assess
    expect(response.statusCode).toBe(503);
  });
});

const read = (handler: typeof getProject, caller: Caller, projectId = PROJECT_ID) =>
  handler(apiEvent({ caller, pathParameters: { projectId } }), lambdaContext);

describe('GET /projects/{projectId}', () => {
  it.each([
    ['a viewer', VIEWER],
    ['a member', MEMBER],
    ['a tenant-admin', ADMIN],
  ])('shows the project to %s of its tenant', async (_case, caller) => {
    // Act
    const response = await read(getProject, caller);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(ProjectView.parse(bodyOf(response))).toEqual({
      projectId: PROJECT_ID,
      name: 'web shop',
      tenantId: 'tenant-a',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    const [get] = dynamo.commandCalls(GetCommand);
    expect(get?.args[0].input).toMatchObject({ Key: { projectId: PROJECT_ID }, ConsistentRead: true });
  });

  it('answers 404, not 403, to another tenant, and audits nothing', async () => {
    // Act
    const response = await read(getProject, OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toMatchObject({ code: 'NOT_FOUND', message: `Project ${PROJECT_ID} was not found` });
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers 404 for a project that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({});

    // Act
    const response = await read(getProject, ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('answers 403 to a caller of the tenant without a provisioning role, and audits DENIED', async () => {
    // Act
    const response = await read(getProject, CUSTOMER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({ action: 'project.read', outcome: 'DENIED', srn: PROJECT_SRN }),
    ]);
  });

  it('refuses a malformed project id with 400', async () => {
    // Act
    const response = await read(getProject, ADMIN, 'bad/id');

    // Assess
    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });
});

const usageLine = (resourceId: string, amountMicros: number) => ({
  resourceId,
  srn: `srn:sagastack:eu-west-1:tenant-a:${PROJECT_ID}:vm/${resourceId}`,
  flavor: 'vm.small',
  seconds: 1800.5,
  amountMicros,
});

describe('GET /projects/{projectId}/usage', () => {
  it('answers every hour the billing worker wrote, oldest first, with the project total', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          {
            projectId: PROJECT_ID,
            period: '2026-01-01T10',
            lines: [usageLine('res_a', 5800), usageLine('res_b', 5801)],
            totalMicros: 11601,
            computedAt: '2026-01-01T11:00:00.000Z',
          },
        ],
        LastEvaluatedKey: { projectId: PROJECT_ID, period: '2026-01-01T10' },
      })
      .resolvesOnce({
        Items: [
          {
            projectId: PROJECT_ID,
            period: '2026-01-01T09',
            lines: [usageLine('res_a', 100)],
            totalMicros: 100,
            computedAt: '2026-01-01T10:00:00.000Z',
          },
        ],
      });

    // Act
    const response = await read(getUsage, VIEWER);

    // Assess
    expect(response.statusCode).toBe(200);
    const usage = UsageView.parse(bodyOf(response));
    expect(usage.projectId).toBe(PROJECT_ID);
    expect(usage.periods.map((period) => period.period)).toEqual(['2026-01-01T09', '2026-01-01T10']);
    expect(usage.periods[1]?.lines).toEqual([usageLine('res_a', 5800), usageLine('res_b', 5801)]);
    expect(usage.totalMicros).toBe(11701);

    const queries = dynamo.commandCalls(QueryCommand);
    expect(queries).toHaveLength(2);
    expect(queries[0]?.args[0].input).toMatchObject({
      TableName: 'usage-table',
      KeyConditionExpression: 'projectId = :projectId',
      ExpressionAttributeValues: { ':projectId': PROJECT_ID },
    });
    expect(queries[1]?.args[0].input.ExclusiveStartKey).toEqual({ projectId: PROJECT_ID, period: '2026-01-01T10' });
    // Read-only: billing owns the usage table's writes.
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers no periods and a zero total for a project nothing ran in', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [] });

    // Act
    const response = await read(getUsage, MEMBER);

    // Assess
    expect(bodyOf(response)).toEqual({ projectId: PROJECT_ID, periods: [], totalMicros: 0 });
  });

  it('answers 404 to another tenant without reading usage', async () => {
    // Act
    const response = await read(getUsage, OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('answers 403 and audits DENIED to a caller without a provisioning role', async () => {
    // Act
    const response = await read(getUsage, CUSTOMER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({ action: 'usage.read', outcome: 'DENIED', srn: PROJECT_SRN }),
    ]);
  });
});
