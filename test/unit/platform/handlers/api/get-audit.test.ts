import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditRecordOf } from '../../../../../functions/platform/domain/audit.js';
import { handler } from '../../../../../functions/platform/handlers/api/get-audit.js';
import { AuditTrail } from '../../../../../shared/contracts/audit-api.js';
import { logger } from '../../../../../shared/powertools/index.js';
import { apiEvent, bodyOf, type Caller, lambdaContext } from '../../../checkout/checkouts-harness.js';
import { auditEnvelope, SRN } from '../../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    AUDIT_TABLE_NAME: 'audit-table',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

const ADMIN_A: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['tenant-admin'] };
const MEMBER_A: Caller = { sub: 'user-bob', tenant: 'tenant-a', roles: ['member', 'viewer'] };
const ADMIN_B: Caller = { sub: 'user-eve', tenant: 'tenant-b', roles: ['tenant-admin'] };

function getAudit(
  caller: Caller,
  query: Record<string, string> | null = { resource: SRN },
): Promise<Awaited<ReturnType<typeof handler>>> {
  const event: APIGatewayProxyEvent = {
    ...apiEvent({ caller }),
    path: '/audit',
    resource: '/audit',
    queryStringParameters: query,
  };
  return handler(event, lambdaContext);
}

const older = auditRecordOf(auditEnvelope());
const newer = auditRecordOf(
  auditEnvelope({
    occurredAt: '2026-01-02T03:20:00.000Z',
    data: { eventId: 'evt-audit-2', action: 'saga.provision', actor: { system: 'saga' }, details: undefined },
  }),
);

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  dynamo.on(QueryCommand).resolves({ Items: [newer, older] });
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /audit?resource={srn}', () => {
  it("gives a tenant administrator the resource's trail, newest first", async () => {
    // Act
    const response = await getAudit(ADMIN_A);

    // Assess
    expect(response.statusCode).toBe(200);
    const body = bodyOf(response);
    expect(AuditTrail.parse(body)).toEqual(body);
    expect(body.resource).toBe(SRN);
    expect(body.records.map((record: { eventId: string }) => record.eventId)).toEqual(['evt-audit-2', 'evt-audit-1']);
    expect(body.records[1]).toEqual({
      eventId: 'evt-audit-1',
      action: 'resource.create',
      outcome: 'SUCCEEDED',
      actor: { sub: 'user-ada', tenant: 'tenant-a', roles: ['member'] },
      tenantId: 'tenant-a',
      correlationId: 'corr-audit-0001',
      details: { flavor: 'vm.small' },
      recordedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'audit-table',
      KeyConditionExpression: 'srn = :srn',
      ExpressionAttributeValues: { ':srn': SRN },
      ScanIndexForward: false,
    });
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('reads every page of the trail', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [newer], LastEvaluatedKey: { srn: SRN, sk: newer.sk } })
      .resolvesOnce({ Items: [older] });

    // Act
    const response = await getAudit(ADMIN_A);

    // Assess
    expect(bodyOf(response).records).toHaveLength(2);
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({ srn: SRN, sk: newer.sk });
  });

  it('answers an empty trail for a resource of the tenant with no records yet', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [] });

    // Act
    const response = await getAudit(ADMIN_A);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ resource: SRN, records: [] });
  });

  it('never shows a record of another tenant, even one filed under this SRN', async () => {
    // Prepare
    dynamo.on(QueryCommand).resolves({ Items: [{ ...newer, tenantId: 'tenant-b' }, older] });

    // Act
    const response = await getAudit(ADMIN_A);

    // Assess
    expect(bodyOf(response).records.map((record: { eventId: string }) => record.eventId)).toEqual(['evt-audit-1']);
  });

  it.each([
    ['a tenant administrator', ADMIN_B],
    ['a member', { ...MEMBER_A, tenant: 'tenant-b' }],
  ])('answers 404 to %s of another tenant, without reading the table or auditing', async (_label, caller) => {
    // Act
    const response = await getAudit(caller);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.code).toBe('NOT_FOUND');
    expect(dynamo.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers 403 to another role of the same tenant and emits a DENIED audit event', async () => {
    // Act
    const response = await getAudit(MEMBER_A);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(bodyOf(response).error.code).toBe('FORBIDDEN');
    expect(dynamo.calls()).toHaveLength(0);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'sagastack-bus',
      Source: 'sagastack.audit',
      DetailType: 'AuditEvent.v1',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      metadata: { correlationId: 'corr-test-0001', occurredAt: expect.any(String) },
      data: {
        eventId: expect.any(String),
        action: 'audit.read',
        outcome: 'DENIED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { sub: 'user-bob', tenant: 'tenant-a', roles: ['member', 'viewer'] },
        details: { requiredRole: 'tenant-admin' },
      },
    });
  });

  it('still answers 403 when the DENIED event cannot be published, and logs it', async () => {
    // Prepare
    const error = vi.spyOn(logger, 'error');
    eventBridge.on(PutEventsCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await getAudit(MEMBER_A);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(error).toHaveBeenCalledWith(
      expect.stringContaining('DENIED audit event'),
      expect.objectContaining({ srn: SRN }),
    );
  });

  it.each([
    ['no resource', null],
    ['a resource that is not an SRN', { resource: 'res_01' }],
  ])('answers 400 for %s', async (_label, query) => {
    // Act
    const response = await getAudit(ADMIN_A, query);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.details).toEqual([expect.objectContaining({ path: 'query.resource' })]);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers 500 with the error envelope when the table fails', async () => {
    // Prepare
    dynamo.on(QueryCommand).rejects(new Error('boom'));

    // Act
    const response = await getAudit(ADMIN_A);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response).error.correlationId).toBe('corr-test-0001');
  });
});
