import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_PROVISIONING_MESSAGE } from '../../../../functions/provisioning/domain/failures.js';
import { handler as deleteResource } from '../../../../functions/provisioning/handlers/api/delete-resource.js';
import { handler as getResource } from '../../../../functions/provisioning/handlers/api/get-resource.js';
import { ResourceDeletionAccepted, ResourceView } from '../../../../shared/contracts/provisioning-api.js';
import { DeprovisionSagaInput } from '../../../../shared/contracts/provisioning-saga.js';
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
  RESOURCE_ID,
  resourceItem,
  SRN,
  VIEWER,
} from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    RESOURCES_TABLE_NAME: 'resources-table',
    EVENT_BUS_NAME: 'sagastack-bus',
    PROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:provision-saga',
    DEPROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:deprovision-saga',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const eventBridge = mockClient(EventBridgeClient);

const PROVISION_ARN = executionArnOf(ENV.PROVISION_STATE_MACHINE_ARN, RESOURCE_ID);
const DEPROVISION_ARN = executionArnOf(ENV.DEPROVISION_STATE_MACHINE_ARN, `${RESOURCE_ID}-delete`);

function stored(overrides: Record<string, unknown> = {}) {
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: resourceItem(overrides) });
}

/** A small history: one task state per name, each scheduled once and ending as given. */
function historyOf(start: number, ...steps: Array<[string, 'TaskSucceeded' | 'TaskFailed']>): HistoryEvent[] {
  let id = 0;
  const event = (type: string, extra: Partial<HistoryEvent> = {}): HistoryEvent => {
    id += 1;
    return {
      id,
      previousEventId: id - 1,
      type: type as HistoryEvent['type'],
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, start + id)),
      ...extra,
    };
  };
  return steps.flatMap(([name, outcome]) => [
    event('TaskStateEntered', { stateEnteredEventDetails: { name } }),
    event('TaskScheduled'),
    event('TaskStarted'),
    event(outcome),
  ]);
}

beforeEach(() => {
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
});

afterEach(() => {
  vi.restoreAllMocks();
});

const get = (caller: Caller = VIEWER, resourceId = RESOURCE_ID) =>
  getResource(apiEvent({ caller, pathParameters: { resourceId } }), lambdaContext);

describe('GET /resources/{resourceId}', () => {
  it('shows an active resource with its node, address and the steps of its saga', async () => {
    // Prepare
    stored({ executionArn: PROVISION_ARN, nodeId: 'node-1', ipAddress: '10.1.2.3', quotaHeld: { vcpu: 1 } });
    sfn.on(GetExecutionHistoryCommand, { executionArn: PROVISION_ARN }).resolves({
      events: historyOf(0, ['ValidateRequest', 'TaskSucceeded'], ['ReserveQuota', 'TaskSucceeded']),
    });

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(200);
    const view = ResourceView.parse(bodyOf(response));
    expect(view).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      projectId: resourceItem().projectId,
      type: 'vm',
      flavor: 'vm.small',
      region: 'eu-west-1',
      name: 'web-1',
      status: 'ACTIVE',
      nodeId: 'node-1',
      ipAddress: '10.1.2.3',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      steps: [
        { name: 'ValidateRequest', status: 'SUCCEEDED', at: '2026-01-01T00:00:04.000Z' },
        { name: 'ReserveQuota', status: 'SUCCEEDED', at: '2026-01-01T00:00:08.000Z' },
      ],
    });
    // Internal bookkeeping stays inside.
    expect(bodyOf(response).quotaHeld).toBeUndefined();
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it('follows the provision steps with the deprovision steps', async () => {
    // Prepare
    stored({ status: 'DELETED', executionArn: PROVISION_ARN, deprovisionExecutionArn: DEPROVISION_ARN });
    sfn.on(GetExecutionHistoryCommand, { executionArn: PROVISION_ARN }).resolves({
      events: historyOf(0, ['MarkActive', 'TaskSucceeded']),
    });
    sfn.on(GetExecutionHistoryCommand, { executionArn: DEPROVISION_ARN }).resolves({
      events: historyOf(100, ['StopBilling', 'TaskSucceeded'], ['MarkDeleted', 'TaskSucceeded']),
    });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response).steps.map((step: { name: string }) => step.name)).toEqual([
      'MarkActive',
      'StopBilling',
      'MarkDeleted',
    ]);
    expect(bodyOf(response).status).toBe('DELETED');
  });

  it('shows a failed resource with its failure', async () => {
    // Prepare
    stored({
      status: 'FAILED',
      failure: { code: 'WORKER_TIMEOUT', message: 'The node agent did not report back in time' },
    });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'WORKER_TIMEOUT', message: 'The node agent did not report back in time' },
      steps: [],
    });
  });

  it('shows a PROVISIONING resource whose saga died without an outcome as FAILED INTERNAL', async () => {
    // Prepare
    stored({ status: 'PROVISIONING', executionArn: PROVISION_ARN });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT' });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'INTERNAL', message: INTERNAL_PROVISIONING_MESSAGE },
    });
  });

  it('keeps a PROVISIONING resource whose saga runs PROVISIONING', async () => {
    // Prepare
    stored({ status: 'PROVISIONING', executionArn: PROVISION_ARN });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response).status).toBe('PROVISIONING');
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });

  it('shows no steps when the execution is gone (past Step Functions retention)', async () => {
    // Prepare
    stored({ executionArn: PROVISION_ARN });
    sfn.on(GetExecutionHistoryCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).steps).toEqual([]);
  });

  it('answers 404, not 403, to another tenant, and reads no history', async () => {
    // Act
    const response = await get(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.message).toBe(`Resource ${RESOURCE_ID} was not found`);
    expect(sfn.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers 404 for a resource that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const response = await get(ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('answers 403 and audits DENIED to a caller of the tenant without a provisioning role', async () => {
    // Act
    const response = await get(CUSTOMER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({ action: 'resource.read', outcome: 'DENIED', srn: SRN }),
    ]);
    expect(sfn.calls()).toHaveLength(0);
  });
});

const remove = (caller: Caller = MEMBER) =>
  deleteResource(apiEvent({ method: 'DELETE', caller, pathParameters: { resourceId: RESOURCE_ID } }), lambdaContext);

describe('DELETE /resources/{resourceId}', () => {
  it('moves an ACTIVE resource to DEPROVISIONING, starts its deprovision saga, answers 202 and audits', async () => {
    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(ResourceDeletionAccepted.parse(bodyOf(response))).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      status: 'DEPROVISIONING',
    });

    const [transition, attach] = dynamo.commandCalls(UpdateCommand);
    expect(transition?.args[0].input).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(Object.values(transition?.args[0].input.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining(['DEPROVISIONING', 'ACTIVE', 'FAILED']),
    );
    expect(transition?.args[0].input.ConditionExpression).toContain('#status IN');
    expect(Object.values(attach?.args[0].input.ExpressionAttributeValues ?? {})).toContain(DEPROVISION_ARN);

    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input).toMatchObject({
      stateMachineArn: ENV.DEPROVISION_STATE_MACHINE_ARN,
      name: `${RESOURCE_ID}-delete`,
    });
    expect(DeprovisionSagaInput.parse(JSON.parse(start?.args[0].input.input ?? '{}'))).toMatchObject({
      resourceId: RESOURCE_ID,
      srn: SRN,
      requestedBy: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
      correlationId: 'corr-test-0001',
    });
    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.any(String),
        action: 'resource.delete',
        outcome: 'SUCCEEDED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
        details: { previousStatus: 'ACTIVE' },
      },
    ]);
  });

  it('deletes a FAILED resource too', async () => {
    // Prepare
    stored({ status: 'FAILED' });

    // Act
    const response = await remove(ADMIN);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(auditRecords(eventBridge)[0]?.details).toEqual({ previousStatus: 'FAILED' });
  });

  it('deletes again a resource whose deprovisioning failed, with a saga of a new name for the new attempt', async () => {
    // Prepare: the first attempt's saga (`-delete`) ran and failed; its name can never run again.
    stored({ status: 'FAILED', deletionAttempts: 1, deprovisionExecutionArn: DEPROVISION_ARN });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    const [transition] = dynamo.commandCalls(UpdateCommand);
    expect(transition?.args[0].input.UpdateExpression).toContain('REMOVE');
    expect(Object.values(transition?.args[0].input.ExpressionAttributeNames ?? {})).toEqual(
      expect.arrayContaining(['deletionAttempts', 'deprovisionExecutionArn']),
    );
    expect(Object.values(transition?.args[0].input.ExpressionAttributeValues ?? {})).toContain(2);
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input.name).toBe(`${RESOURCE_ID}-delete-2`);
    expect(JSON.parse(start?.args[0].input.input ?? '{}').deletionAttempt).toBe(2);
  });

  it('answers a repeat for a DEPROVISIONING resource with the same 202, starting no second saga', async () => {
    // Prepare
    stored({ status: 'DEPROVISIONING', deprovisionExecutionArn: DEPROVISION_ARN });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ resourceId: RESOURCE_ID, srn: SRN, status: 'DEPROVISIONING' });
    expect(sfn.calls()).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(auditRecords(eventBridge)[0]?.details).toEqual({ previousStatus: 'DEPROVISIONING', repeated: true });
  });

  it('answers 202 DELETED for a resource already deleted', async () => {
    // Prepare
    stored({ status: 'DELETED', deprovisionExecutionArn: DEPROVISION_ARN });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ resourceId: RESOURCE_ID, srn: SRN, status: 'DELETED' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('starts the saga of a DEPROVISIONING resource whose earlier request could not start it', async () => {
    // Prepare
    stored({ status: 'DEPROVISIONING' });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('takes an existing deprovision execution as this deletion’s saga', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    const attach = dynamo.commandCalls(UpdateCommand)[1];
    expect(Object.values(attach?.args[0].input.ExpressionAttributeValues ?? {})).toContain(DEPROVISION_ARN);
  });

  it('refuses a resource still PROVISIONING with 409 RESOURCE_BUSY', async () => {
    // Prepare
    stored({ status: 'PROVISIONING' });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe('RESOURCE_BUSY');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 409 when the resource moved elsewhere between the read and the write', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo
      .on(GetCommand, { TableName: 'resources-table' })
      .resolvesOnce({ Item: resourceItem() })
      .resolves({ Item: resourceItem({ status: 'DELETED' }) });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 503 when the deprovision saga cannot be started, leaving it for the retry', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(503);
    expect(auditRecords(eventBridge)).toEqual([]);
  });

  it('answers 404, not 403, to another tenant, changing nothing', async () => {
    // Act
    const response = await remove(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('refuses a viewer with 403, changes nothing, and publishes a DENIED audit event', async () => {
    // Act
    const response = await remove(VIEWER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.any(String),
        action: 'resource.delete',
        outcome: 'DENIED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { sub: VIEWER.sub, tenant: 'tenant-a', roles: ['viewer'] },
        details: { requiredRole: 'member' },
      },
    ]);
  });
});
