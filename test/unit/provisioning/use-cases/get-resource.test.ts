import { describe, expect, it, vi } from 'vitest';
import { INTERNAL_PROVISIONING_MESSAGE } from '../../../../functions/provisioning/domain/failures.js';
import type { ResourceRecord } from '../../../../functions/provisioning/ports/resources.js';
import type { SagaExecutionStatus } from '../../../../functions/provisioning/ports/sagas.js';
import { getResource } from '../../../../functions/provisioning/use-cases/get-resource.js';
import { PROJECT_ID, RESOURCE_ID, SRN, VIEWER } from '../harness.js';
import { inMemoryResources, recordingAudit, recordingSagas } from './in-memory-ports.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const RESOURCE: ResourceRecord = {
  resourceId: RESOURCE_ID,
  srn: SRN,
  tenantId: 'tenant-a',
  projectId: PROJECT_ID,
  type: 'vm',
  flavor: 'vm.small',
  region: 'eu-west-1',
  name: 'web-1',
  status: 'PROVISIONING',
  executionArn: 'arn:provision:res_1',
  quotaHeld: { vcpu: 1, memoryGiB: 2, storageGiB: 0 },
  createdBy: 'user-max',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

async function viewWhileExecution(status: SagaExecutionStatus, resource: ResourceRecord = RESOURCE) {
  const { resources } = inMemoryResources([resource]);
  const { sagas } = recordingSagas({ status });
  const { audit } = recordingAudit();
  return getResource(
    { resourceId: RESOURCE_ID, principal: VIEWER, correlationId: 'corr-read' },
    { resources, sagas, audit },
  );
}

describe('getResource (use case, in-memory ports)', () => {
  it('shows the resource as requested and recorded, and none of its internal fields', async () => {
    // Act
    const view = await viewWhileExecution('RUNNING');

    // Assess
    expect(view).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      projectId: PROJECT_ID,
      type: 'vm',
      flavor: 'vm.small',
      region: 'eu-west-1',
      name: 'web-1',
      status: 'PROVISIONING',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      steps: [],
    });
  });

  it.each<SagaExecutionStatus>(['FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])(
    'shows a PROVISIONING resource whose saga ended %s as FAILED with the internal message',
    async (status) => {
      // Act
      const view = await viewWhileExecution(status);

      // Assess
      expect(view).toMatchObject({
        status: 'FAILED',
        failure: { code: 'INTERNAL', message: INTERNAL_PROVISIONING_MESSAGE },
      });
    },
  );

  it('believes an ACTIVE resource’s record, whatever became of its execution', async () => {
    // Act
    const view = await viewWhileExecution('FAILED', { ...RESOURCE, status: 'ACTIVE' });

    // Assess
    expect(view.status).toBe('ACTIVE');
  });
});
