import { describe, expect, it } from 'vitest';
import { AuditEvent } from '../../../shared/contracts/events/audit-events.js';
import {
  PROVISIONING_SOURCE,
  ResourceDeleted,
  ResourceProvisioned,
  ResourceProvisioningFailed,
} from '../../../shared/contracts/events/provisioning-events.js';
import { PROVISIONING_API_ROUTES, RequestResourceBody } from '../../../shared/contracts/provisioning-api.js';
import { MarkFailedCommand, ProvisionSagaInput } from '../../../shared/contracts/provisioning-saga.js';
import { SAGA_INPUT, SRN } from './harness.js';

const METADATA = { correlationId: 'corr-1', occurredAt: '2026-01-01T00:00:00.000Z' };
const REF = {
  resourceId: 'res_1',
  srn: SRN,
  tenantId: 'tenant-a',
  projectId: 'prj_1',
  type: 'vm' as const,
  flavor: 'vm.small',
  region: 'eu-west-1',
};

describe('provisioning events', () => {
  it('are versioned in their detail-type and come from sagastack.provisioning', () => {
    // Assess
    expect([ResourceProvisioned, ResourceProvisioningFailed, ResourceDeleted].map((event) => event.detailType)).toEqual(
      ['ResourceProvisioned.v1', 'ResourceProvisioningFailed.v1', 'ResourceDeleted.v1'],
    );
    expect(new Set([ResourceProvisioned.source, ResourceProvisioningFailed.source, ResourceDeleted.source])).toEqual(
      new Set([PROVISIONING_SOURCE]),
    );
    expect(PROVISIONING_SOURCE).toBe('sagastack.provisioning');
  });

  it('each carry the SRN, and refuse one that is not an SRN', () => {
    // Assess
    expect(ResourceDeleted.create(REF, METADATA).data.srn).toBe(SRN);
    expect(() => ResourceDeleted.create({ ...REF, srn: 'res_1' }, METADATA)).toThrow();
  });

  it('carry the failure code, one of the known five', () => {
    // Assess
    expect(
      ResourceProvisioningFailed.create({ ...REF, code: 'WORKER_TIMEOUT', message: 'm' }, METADATA).data.code,
    ).toBe('WORKER_TIMEOUT');
    expect(() =>
      ResourceProvisioningFailed.create({ ...REF, code: 'OOPS' as 'INTERNAL', message: 'm' }, METADATA),
    ).toThrow();
  });
});

describe('AuditEvent.v1', () => {
  const data = {
    eventId: 'evt-1',
    action: 'resource.create',
    outcome: 'DENIED' as const,
    srn: SRN,
    tenantId: 'tenant-a',
    actor: { sub: 'user-1', tenant: 'tenant-a', roles: ['viewer'] },
  };

  it('comes from sagastack.audit', () => {
    // Assess
    expect(AuditEvent.source).toBe('sagastack.audit');
    expect(AuditEvent.detailType).toBe('AuditEvent.v1');
  });

  it('takes a person or the saga as actor', () => {
    // Assess
    expect(AuditEvent.create(data, METADATA).data.actor).toEqual(data.actor);
    expect(AuditEvent.create({ ...data, actor: { system: 'saga' } }, METADATA).data.actor).toEqual({ system: 'saga' });
    expect(() => AuditEvent.create({ ...data, actor: { system: 'cron' } as never }, METADATA)).toThrow();
  });

  it.each(['SUCCEEDED', 'FAILED', 'DENIED'])('takes the outcome %s', (outcome) => {
    // Assess
    expect(AuditEvent.create({ ...data, outcome: outcome as 'DENIED' }, METADATA).data.outcome).toBe(outcome);
  });

  it.each(['Resource.Create', 'create', 'resource.', ''])('refuses the action %j', (action) => {
    // Assess
    expect(() => AuditEvent.create({ ...data, action }, METADATA)).toThrow();
  });
});

describe('saga contract', () => {
  it('parses the whole saga state, keeping what each step declares', () => {
    // Act
    const command = MarkFailedCommand.parse({
      ...SAGA_INPUT,
      validation: { ok: true },
      quota: { reserved: { vcpu: 1, memoryGiB: 2, storageGiB: 0 }, alreadyReserved: false },
      failure: { Error: 'States.HeartbeatTimeout', Cause: 'x' },
    });

    // Assess
    expect(command.failure).toEqual({ Error: 'States.HeartbeatTimeout', Cause: 'x' });
    expect(ProvisionSagaInput.safeParse({ ...SAGA_INPUT, srn: 'nope' }).success).toBe(false);
  });
});

describe('API contract', () => {
  it('refuses request bodies with unknown fields or types', () => {
    // Assess
    expect(
      RequestResourceBody.safeParse({ type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'a' }).success,
    ).toBe(true);
    expect(RequestResourceBody.safeParse({ type: 'gpu', flavor: 'x', region: 'y', name: 'a' }).success).toBe(false);
    expect(
      RequestResourceBody.safeParse({ type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'a', tenantId: 't' })
        .success,
    ).toBe(false);
  });

  it('describes the six routes with the roles and statuses the handlers use', () => {
    // Assess
    expect(PROVISIONING_API_ROUTES.map((route) => `${route.method} ${route.path} ${route.success.status}`)).toEqual([
      'POST /projects 201',
      'GET /projects/{projectId} 200',
      'POST /projects/{projectId}/resources 202',
      'GET /resources/{resourceId} 200',
      'DELETE /resources/{resourceId} 202',
      'GET /projects/{projectId}/usage 200',
    ]);
    const request = PROVISIONING_API_ROUTES.find((route) => route.path === '/projects/{projectId}/resources');
    expect(request?.errors).toEqual(expect.arrayContaining([404, 409, 422]));
    expect(request?.idempotencyKey).toBe(true);
  });
});
