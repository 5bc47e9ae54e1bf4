import { describe, expect, it } from 'vitest';
import { AuditEventEnvelope } from '../../../../../shared/contracts/events/audit-envelope.js';
import { auditEventFrom } from '../../../../../shared/contracts/events/audit-events.js';
import { auditEnvelope } from '../../../platform/harness.js';

describe('AuditEventEnvelope', () => {
  it('accepts AuditEvent.v1 from the auditing contexts’ sources only', () => {
    expect(AuditEventEnvelope.safeParse(auditEnvelope()).success).toBe(true);
    expect(AuditEventEnvelope.safeParse({ ...auditEnvelope(), source: 'sagastack.provisioning' }).success).toBe(true);
    expect(AuditEventEnvelope.safeParse({ ...auditEnvelope(), source: 'sagastack.checkout' }).success).toBe(false);
    expect(AuditEventEnvelope.safeParse({ ...auditEnvelope(), source: 'sagastack.agents' }).success).toBe(false);
    expect(AuditEventEnvelope.safeParse({ ...auditEnvelope(), 'detail-type': 'AuditEvent.v2' }).success).toBe(false);
  });
});

describe('auditEventFrom', () => {
  it('is AuditEvent.v1 under the publishing context’s own source', () => {
    // Act
    const provisioning = auditEventFrom('sagastack.provisioning');

    // Assess
    expect(provisioning.source).toBe('sagastack.provisioning');
    expect(provisioning.detailType).toBe('AuditEvent.v1');
  });
});
