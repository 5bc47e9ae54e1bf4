import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_PROVISIONING_MESSAGE } from '../../../../functions/provisioning/domain/failures.js';
import { handler as markActive } from '../../../../functions/provisioning/handlers/saga/mark-active.js';
import { handler as markDeleted } from '../../../../functions/provisioning/handlers/saga/mark-deleted.js';
import { handler as markDeprovisionFailed } from '../../../../functions/provisioning/handlers/saga/mark-deprovision-failed.js';
import { handler as markFailed } from '../../../../functions/provisioning/handlers/saga/mark-failed.js';
import { handler as validateRequest } from '../../../../functions/provisioning/handlers/saga/validate-request.js';
import {
  ResourceDeleted,
  ResourceProvisioned,
  ResourceProvisioningFailed,
} from '../../../../shared/contracts/events/provisioning-events.js';
import { OutcomeEvent } from '../../../../shared/contracts/provisioning-saga.js';
import { metrics } from '../../../../shared/powertools/index.js';
import {
  auditRecords,
  conditionFailed,
  lambdaContext,
  MEMBER,
  PROJECT_ID,
  projectItem,
  RESOURCE_ID,
  resourceItem,
  SAGA_INPUT,
  SRN,
  VOLUME_SAGA_INPUT,
} from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    PROJECTS_TABLE_NAME: 'projects-table',
    RESOURCES_TABLE_NAME: 'resources-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const WORKER = { nodeId: 'node-0a1b2c3d4e5f', ipAddress: '10.4.5.6' };

function stored(overrides: Record<string, unknown>) {
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: resourceItem(overrides) });
}

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({ Item: projectItem() });
  stored({ status: 'PROVISIONING' });
  dynamo.on(UpdateCommand).resolves({});
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage, trace: ['at secret/internal/path.js:1:1'] });

describe('ValidateRequest step', () => {
  it('accepts a PROVISIONING resource of the tenant’s project', async () => {
    // Act
    const result = await validateRequest(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ ok: true });
    expect(dynamo.commandCalls(GetCommand).every((call) => call.args[0].input.ConsistentRead)).toBe(true);
  });

  it.each([
    [
      'a project that does not exist',
      () => dynamo.on(GetCommand, { TableName: 'projects-table' }).resolves({}),
      'NotFoundError',
    ],
    [
      'a project of another tenant',
      () =>
        dynamo
          .on(GetCommand, { TableName: 'projects-table' })
          .resolves({ Item: projectItem({ tenantId: 'tenant-b' }) }),
      'NotFoundError',
    ],
    [
      'a resource that does not exist',
      () => dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({}),
      'NotFoundError',
    ],
    [
      'a resource of another project',
      () => stored({ status: 'PROVISIONING', projectId: 'prj_other' }),
      'NotFoundError',
    ],
    ['a resource that is not PROVISIONING', () => stored({ status: 'ACTIVE' }), 'ConflictError'],
    ['a resource under another SRN', () => stored({ status: 'PROVISIONING', srn: `${SRN}x` }), 'ValidationError'],
  ])('refuses %s', async (_case, prepare, errorName) => {
    // Prepare
    prepare();

    // Act
    const attempt = validateRequest(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: errorName });
  });

  it('refuses a flavor the catalog does not have', async () => {
    // Act
    const attempt = validateRequest({ ...SAGA_INPUT, flavor: 'vm.huge' }, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('MarkActive step', () => {
  it('moves the resource PROVISIONING → ACTIVE, audits and returns ResourceProvisioned.v1', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const outcome = OutcomeEvent.parse(await markActive({ ...SAGA_INPUT, worker: WORKER }, lambdaContext));

    // Assess
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe('attribute_exists(resourceId) AND #status IN (:from0)');
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'PROVISIONING' });
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain('ACTIVE');

    expect(outcome).toMatchObject({ detailType: 'ResourceProvisioned.v1', source: 'sagastack.provisioning' });
    expect(ResourceProvisioned.detail.parse(outcome.detail)).toEqual({
      metadata: { correlationId: 'corr-saga-0001', occurredAt: expect.any(String) },
      data: {
        resourceId: RESOURCE_ID,
        srn: SRN,
        tenantId: 'tenant-a',
        projectId: PROJECT_ID,
        type: 'vm',
        flavor: 'vm.small',
        region: 'eu-west-1',
        name: 'web-1',
        nodeId: WORKER.nodeId,
        ipAddress: WORKER.ipAddress,
      },
    });
    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
        action: 'saga.provision',
        outcome: 'SUCCEEDED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { system: 'saga' },
        details: {
          requestedBy: MEMBER.sub,
          requestedAt: SAGA_INPUT.requestedAt,
          flavor: 'vm.small',
          nodeId: WORKER.nodeId,
        },
      },
    ]);
    expect(addMetric).toHaveBeenCalledWith('ResourceProvisioned', 'Count', 1);
  });

  it('leaves a volume without an address in its event', async () => {
    // Act
    const outcome = await markActive({ ...VOLUME_SAGA_INPUT, worker: WORKER }, lambdaContext);

    // Assess
    expect(outcome.detail).toMatchObject({ data: { type: 'volume', nodeId: WORKER.nodeId } });
    expect((outcome.detail as { data: Record<string, unknown> }).data.ipAddress).toBeUndefined();
  });

  it('changes nothing but still answers and audits (same event id) when repeated on an ACTIVE resource', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'ACTIVE' });

    // Act
    const first = await markActive(SAGA_INPUT, lambdaContext);
    const again = await markActive(SAGA_INPUT, lambdaContext);

    // Assess
    expect(again.detailType).toBe(first.detailType);
    const [a, b] = auditRecords(eventBridge);
    expect(a?.eventId).toBe(b?.eventId);
  });

  it('refuses to activate a resource that is being deleted: ConflictError', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'DEPROVISIONING' });

    // Act
    const attempt = markActive(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ConflictError', code: 'RESOURCE_STATUS_CONFLICT' });
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('fails with a TransientError when the audit event is refused, so the saga retries it', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });

    // Act
    const attempt = markActive(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'TransientError' });
  });
});

describe('MarkFailed step', () => {
  it.each([
    [
      'QuotaExceededError',
      lambdaCause('QuotaExceededError', 'vcpu needs 8, 3 left'),
      'QUOTA_EXCEEDED',
      'vcpu needs 8, 3 left',
    ],
    [
      'CapacityUnavailableError',
      lambdaCause('CapacityUnavailableError', 'No capacity left'),
      'CAPACITY_UNAVAILABLE',
      'No capacity left',
    ],
    [
      'ProvisioningFailedError',
      'flavor vm.test-fail always fails (simulated)',
      'PROVISIONING_FAILED',
      'flavor vm.test-fail always fails (simulated)',
    ],
    ['States.HeartbeatTimeout', undefined, 'WORKER_TIMEOUT', 'The node agent did not report back in time'],
    ['States.Timeout', 'timed out', 'WORKER_TIMEOUT', 'The node agent did not report back in time'],
    ['States.TaskFailed', 'arn:secret', 'INTERNAL', INTERNAL_PROVISIONING_MESSAGE],
  ])(
    'records %s as %s, audits FAILED and returns ResourceProvisioningFailed.v1',
    async (error, cause, code, message) => {
      // Act
      const outcome = OutcomeEvent.parse(
        await markFailed({ ...SAGA_INPUT, failure: { Error: error, Cause: cause } }, lambdaContext),
      );

      // Assess
      const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'PROVISIONING', ':from1': 'ACTIVE' });
      expect(Object.values(update?.ExpressionAttributeValues ?? {})).toEqual(
        expect.arrayContaining(['FAILED', { code, message }]),
      );
      expect(outcome).toMatchObject({ detailType: 'ResourceProvisioningFailed.v1', source: 'sagastack.provisioning' });
      expect(ResourceProvisioningFailed.detail.parse(outcome.detail).data).toMatchObject({ srn: SRN, code, message });
      expect(auditRecords(eventBridge)).toEqual([
        expect.objectContaining({
          action: 'saga.provision',
          outcome: 'FAILED',
          srn: SRN,
          actor: { system: 'saga' },
          details: expect.objectContaining({ code, message }),
        }),
      ]);
    },
  );

  it('records a failed deprovisioning: DEPROVISIONING → FAILED, audited as saga.deprovision', async () => {
    // Prepare
    stored({ status: 'DEPROVISIONING' });

    // Act
    const outcome = await markDeprovisionFailed(
      { ...SAGA_INPUT, failure: { Error: 'States.TaskFailed', Cause: 'worker unreachable' } },
      lambdaContext,
    );

    // Assess
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'DEPROVISIONING' });
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain('FAILED');
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({ action: 'saga.deprovision', outcome: 'FAILED', srn: SRN }),
    ]);
  });

  it('keeps the first failure when repeated on a FAILED resource', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'FAILED', failure: { code: 'QUOTA_EXCEEDED', message: 'first' } });

    // Act
    const outcome = await markFailed({ ...SAGA_INPUT, failure: { Error: 'States.Timeout' } }, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('records nothing for a resource deleted since (a failure record replayed long after), and does not fail', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'DELETED' });

    // Act
    const outcome = await markFailed({ ...SAGA_INPUT, failure: { Error: 'States.Timeout' } }, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('still announces the failure when the resource has no record', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const outcome = await markFailed({ ...SAGA_INPUT, failure: { Error: 'NotFoundError' } }, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(auditRecords(eventBridge)).toHaveLength(1);
  });

  it('requires the caught failure at $.failure', async () => {
    // Act
    const attempt = markFailed(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('MarkDeleted step', () => {
  it('moves the resource DEPROVISIONING → DELETED, audits and returns ResourceDeleted.v1', async () => {
    // Act
    const outcome = OutcomeEvent.parse(await markDeleted(SAGA_INPUT, lambdaContext));

    // Assess
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'DEPROVISIONING' });
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain('DELETED');
    expect(outcome).toMatchObject({ detailType: 'ResourceDeleted.v1', source: 'sagastack.provisioning' });
    expect(ResourceDeleted.detail.parse(outcome.detail).data).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      tenantId: 'tenant-a',
      projectId: PROJECT_ID,
      type: 'vm',
      flavor: 'vm.small',
      region: 'eu-west-1',
    });
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({
        action: 'saga.deprovision',
        outcome: 'SUCCEEDED',
        srn: SRN,
        actor: { system: 'saga' },
      }),
    ]);
  });

  it('answers the same when repeated on a DELETED resource', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'DELETED' });

    // Act
    const outcome = await markDeleted(SAGA_INPUT, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceDeleted.v1');
  });

  it('throws NotFoundError for a resource without a record', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const attempt = markDeleted(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
