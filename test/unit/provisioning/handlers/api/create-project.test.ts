import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { projectIdFor } from '../../../../../functions/provisioning/domain/ids.js';
import { handler as createProject } from '../../../../../functions/provisioning/handlers/api/create-project.js';
import { AuditEvent } from '../../../../../shared/contracts/events/audit-events.js';
import { ProjectView } from '../../../../../shared/contracts/provisioning-api.js';
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
  projectItem,
  publishedEvents,
  VIEWER,
} from '../../harness.js';
import { dynamo, eventBridge, prepareStores } from './projects-harness.js';

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

beforeEach(prepareStores);

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
    expect(event).toMatchObject({
      source: 'sagastack.provisioning',
      detailType: 'AuditEvent.v1',
      busName: 'sagastack-bus',
    });
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
