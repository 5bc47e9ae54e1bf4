import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResourceRecord } from '../../../../functions/provisioning/ports/resources.js';
import { markActive } from '../../../../functions/provisioning/use-cases/mark-active.js';
import { markDeleted } from '../../../../functions/provisioning/use-cases/mark-deleted.js';
import { markFailed } from '../../../../functions/provisioning/use-cases/mark-failed.js';
import { NotFoundError } from '../../../../shared/errors.js';
import { metrics } from '../../../../shared/powertools/index.js';
import { SAGA_INPUT } from '../harness.js';
import { FIXED_NOW, fixedClock, inMemoryResources, recordingAudit } from './in-memory-ports.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const NOW = FIXED_NOW.toISOString();
const WORKER = { nodeId: 'node-7', ipAddress: '10.0.0.7' };

function recordIn(status: ResourceRecord['status']): ResourceRecord {
  const { correlationId: _c, requestedBy: _b, requestedAt: _a, ...resource } = SAGA_INPUT;
  return {
    ...resource,
    status,
    createdBy: 'user-max',
    createdAt: SAGA_INPUT.requestedAt,
    updatedAt: SAGA_INPUT.requestedAt,
  };
}

/** A world holding the saga's resource in `status`, with an audit trail and the metrics the steps count. */
function worldWith(status: ResourceRecord['status']) {
  const { resources, records } = inMemoryResources([recordIn(status)]);
  const { audit, entries } = recordingAudit();
  const addMetric = vi.spyOn(metrics, 'addMetric');
  const counted = () => addMetric.mock.calls.map(([name]) => name);
  return { ports: { resources, audit, clock: fixedClock }, records, entries, counted };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the sagas’ outcome steps (use cases, in-memory ports)', () => {
  it('MarkActive: ACTIVE, a SUCCEEDED audit record, ResourceProvisioned.v1, the metric', async () => {
    // Prepare
    const { ports, records, entries, counted } = worldWith('PROVISIONING');

    // Act
    const event = await markActive({ ...SAGA_INPUT, worker: WORKER }, ports);

    // Assess
    expect(records.get(SAGA_INPUT.resourceId)?.status).toBe('ACTIVE');
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'saga.provision',
        outcome: 'SUCCEEDED',
        actor: { system: 'saga' },
        details: { requestedBy: 'user-max', requestedAt: SAGA_INPUT.requestedAt, flavor: 'vm.small', nodeId: 'node-7' },
      }),
    ]);
    expect(event).toEqual({
      detailType: 'ResourceProvisioned.v1',
      source: 'sagastack.provisioning',
      detail: {
        metadata: { correlationId: SAGA_INPUT.correlationId, occurredAt: NOW },
        data: {
          resourceId: SAGA_INPUT.resourceId,
          srn: SAGA_INPUT.srn,
          tenantId: 'tenant-a',
          projectId: SAGA_INPUT.projectId,
          type: 'vm',
          flavor: 'vm.small',
          region: 'eu-west-1',
          name: 'web-1',
          nodeId: 'node-7',
          ipAddress: '10.0.0.7',
        },
      },
    });
    expect(counted()).toEqual(['ResourceProvisioned']);
  });

  it('MarkDeleted: DELETED, a SUCCEEDED audit record, ResourceDeleted.v1, the metric', async () => {
    // Prepare
    const { ports, records, entries, counted } = worldWith('DEPROVISIONING');

    // Act
    const event = await markDeleted(SAGA_INPUT, ports);

    // Assess
    expect(records.get(SAGA_INPUT.resourceId)?.status).toBe('DELETED');
    expect(entries).toEqual([
      expect.objectContaining({
        action: 'saga.deprovision',
        outcome: 'SUCCEEDED',
        details: { requestedBy: 'user-max', requestedAt: SAGA_INPUT.requestedAt },
      }),
    ]);
    expect(event.detailType).toBe('ResourceDeleted.v1');
    expect(event.detail).toEqual({
      metadata: { correlationId: SAGA_INPUT.correlationId, occurredAt: NOW },
      data: expect.objectContaining({ resourceId: SAGA_INPUT.resourceId, srn: SAGA_INPUT.srn }),
    });
    expect(counted()).toEqual(['ResourceDeleted']);
  });

  it.each([
    ['MarkActive', 'ACTIVE' as const, () => markActive],
    ['MarkDeleted', 'DELETED' as const, () => markDeleted],
  ])('%s repeated: records the same audit event again and counts nothing', async (_step, done, step) => {
    // Prepare
    const { ports, entries, counted } = worldWith(done);

    // Act
    const event = await step()(SAGA_INPUT, ports);

    // Assess
    expect(event.detail).toMatchObject({ metadata: { occurredAt: NOW } });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.eventId).toMatch(/^evt_/);
    expect(counted()).toEqual([]);
  });

  it.each([
    ['MarkActive', () => markActive],
    ['MarkDeleted', () => markDeleted],
  ])('%s of a resource without a record: NotFoundError, and no audit record', async (_step, step) => {
    // Prepare
    const { resources } = inMemoryResources();
    const { audit, entries } = recordingAudit();

    // Act
    const ending = step()(SAGA_INPUT, { resources, audit, clock: fixedClock });

    // Assess
    await expect(ending).rejects.toBeInstanceOf(NotFoundError);
    expect(entries).toEqual([]);
  });

  it('MarkFailed: FAILED, a FAILED audit record and ResourceProvisioningFailed.v1', async () => {
    // Prepare
    const { ports, records, entries } = worldWith('PROVISIONING');

    // Act
    const event = await markFailed({ ...SAGA_INPUT, failure: { Error: 'QuotaExceededError' } }, ports);

    // Assess
    expect(records.get(SAGA_INPUT.resourceId)?.status).toBe('FAILED');
    expect(entries).toEqual([expect.objectContaining({ action: 'saga.provision', outcome: 'FAILED' })]);
    expect(event).toMatchObject({
      detailType: 'ResourceProvisioningFailed.v1',
      source: 'sagastack.provisioning',
      detail: { metadata: { occurredAt: NOW }, data: { code: 'QUOTA_EXCEEDED', resourceId: SAGA_INPUT.resourceId } },
    });
  });
});
