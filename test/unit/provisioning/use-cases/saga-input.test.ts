import { describe, expect, it, vi } from 'vitest';
import { deleteResource } from '../../../../functions/provisioning/use-cases/delete-resource.js';
import { requestResource } from '../../../../functions/provisioning/use-cases/request-resource.js';
import { sagaInputFor } from '../../../../functions/provisioning/use-cases/saga-input.js';
import { ProvisionSagaInput } from '../../../../shared/contracts/provisioning-saga.js';
import { ADMIN, MEMBER, PROJECT_ID, projectItem } from '../harness.js';
import {
  FIXED_NOW,
  fixedClock,
  inMemoryProjects,
  inMemoryResources,
  noTenantsYet,
  recordingAudit,
  recordingSagas,
} from './in-memory-ports.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const DELETED_AT = new Date('2026-03-05T00:00:00.000Z');
const BODY = { type: 'vm' as const, flavor: 'vm.small', region: 'eu-west-1', name: 'web-1' };

/** A world where MEMBER has just requested a VM: its record, both sagas and the audit trail, in memory. */
async function worldWithRequestedResource() {
  const { resources, records } = inMemoryResources();
  const started = recordingSagas();
  const { audit } = recordingAudit();
  const accepted = await requestResource(
    { projectId: PROJECT_ID, body: BODY, principal: MEMBER, idempotencyKey: 'key-0001', correlationId: 'corr-create' },
    {
      projects: inMemoryProjects([projectItem()]),
      resources,
      quotas: noTenantsYet,
      sagas: started.sagas,
      audit,
      defaultQuotas: () => ({ vcpu: 4, memoryGiB: 16, storageGiB: 100 }),
      clock: fixedClock,
    },
  );
  return { accepted, resources, records, started, audit };
}

describe('the saga input (use cases, in-memory ports)', () => {
  it('starts the provision saga from the recorded resource, its creator and its creation time', async () => {
    // Act
    const { accepted, started } = await worldWithRequestedResource();

    // Assess
    expect(started.provisions).toEqual([
      {
        resourceId: accepted.resourceId,
        srn: accepted.srn,
        tenantId: 'tenant-a',
        projectId: PROJECT_ID,
        ...BODY,
        correlationId: 'corr-create',
        requestedBy: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
        requestedAt: FIXED_NOW.toISOString(),
      },
    ]);
    expect(started.provisions[0]).not.toHaveProperty('deletionAttempt');
    expect(ProvisionSagaInput.parse(started.provisions[0])).toEqual(started.provisions[0]);
  });

  it('starts the deprovision saga from the same resource fields, with the deleter, the deletion time and attempt', async () => {
    // Prepare
    const { accepted, resources, started, audit } = await worldWithRequestedResource();
    await resources.markActive(accepted.resourceId, FIXED_NOW.toISOString());

    // Act
    await deleteResource(
      { resourceId: accepted.resourceId, principal: ADMIN, correlationId: 'corr-delete' },
      { resources, sagas: started.sagas, audit, clock: () => DELETED_AT },
    );

    // Assess
    const [provision] = started.provisions;
    expect(started.deprovisions).toEqual([
      {
        input: {
          ...provision,
          correlationId: 'corr-delete',
          requestedBy: { sub: ADMIN.sub, tenant: 'tenant-a', roles: ['tenant-admin'] },
          requestedAt: DELETED_AT.toISOString(),
          deletionAttempt: 1,
        },
        attempt: 1,
      },
    ]);
    expect(ProvisionSagaInput.parse(started.deprovisions[0]?.input)).toEqual(started.deprovisions[0]?.input);
  });

  it('names the attempt of a deletion that follows a failed one', async () => {
    // Prepare
    const { accepted, resources, records, started, audit } = await worldWithRequestedResource();
    const record = records.get(accepted.resourceId);
    if (!record) throw new Error('the resource was not recorded');
    records.set(accepted.resourceId, { ...record, status: 'FAILED', deletionAttempts: 1 });

    // Act
    await deleteResource(
      { resourceId: accepted.resourceId, principal: MEMBER, correlationId: 'corr-delete-2' },
      { resources, sagas: started.sagas, audit, clock: () => DELETED_AT },
    );

    // Assess
    expect(started.deprovisions.map(({ input, attempt }) => [input.deletionAttempt, attempt])).toEqual([[2, 2]]);
  });

  it('copies the caller’s roles, so a later change to them cannot alter a saga already started', () => {
    // Prepare
    const roles = ['member'];
    const resource = {
      resourceId: 'res_1',
      srn: 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_1',
      tenantId: 'tenant-a',
      projectId: 'prj_1',
      ...BODY,
      status: 'PROVISIONING' as const,
      createdBy: 'user-max',
      createdAt: FIXED_NOW.toISOString(),
      updatedAt: FIXED_NOW.toISOString(),
    };

    // Act
    const input = sagaInputFor(resource, {
      principal: { sub: 'user-max', tenant: 'tenant-a', roles },
      correlationId: 'corr-1',
      requestedAt: resource.createdAt,
    });
    roles.push('tenant-admin');

    // Assess
    expect(input.requestedBy.roles).toEqual(['member']);
  });
});
