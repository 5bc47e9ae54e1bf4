import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as markActive } from '../../../../../functions/provisioning/handlers/saga/mark-active.js';
import { ResourceProvisioned } from '../../../../../shared/contracts/events/provisioning-events.js';
import { OutcomeEvent } from '../../../../../shared/contracts/provisioning-saga.js';
import { metrics } from '../../../../../shared/powertools/index.js';
import {
  auditRecords,
  conditionFailed,
  lambdaContext,
  MEMBER,
  PROJECT_ID,
  RESOURCE_ID,
  SAGA_INPUT,
  SRN,
  VOLUME_SAGA_INPUT,
} from '../../harness.js';
import { dynamo, eventBridge, prepareStores, stored } from './outcomes-harness.js';

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
const WORKER = { nodeId: 'node-0a1b2c3d4e5f', ipAddress: '10.4.5.6' };

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
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
