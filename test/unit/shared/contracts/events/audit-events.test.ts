import { describe, expect, it } from 'vitest';
import { AuditEvent } from '../../../../../shared/contracts/events/audit-events.js';
import { SRN } from '../../../provisioning/harness.js';
import { METADATA } from './harness.js';

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
