import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as getProject } from '../../../../../functions/provisioning/handlers/api/get-project.js';
import { ProjectView } from '../../../../../shared/contracts/provisioning-api.js';
import {
  ADMIN,
  auditRecords,
  bodyOf,
  CUSTOMER,
  MEMBER,
  OTHER_TENANT_ADMIN,
  PROJECT_ID,
  PROJECT_SRN,
  VIEWER,
} from '../../harness.js';
import { dynamo, eventBridge, prepareStores, read } from './projects-harness.js';

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
