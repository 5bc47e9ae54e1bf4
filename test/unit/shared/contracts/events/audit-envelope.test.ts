import { describe, expect, it } from 'vitest';
import { AuditEventEnvelope } from '../../../../../shared/contracts/events/audit-envelope.js';
import { auditEnvelope } from '../../../platform/harness.js';

describe('AuditEventEnvelope', () => {
  it('accepts AuditEvent.v1 from the audit source only', () => {
    expect(AuditEventEnvelope.safeParse(auditEnvelope()).success).toBe(true);
    expect(AuditEventEnvelope.safeParse({ ...auditEnvelope(), source: 'sagastack.checkout' }).success).toBe(false);
    expect(AuditEventEnvelope.safeParse({ ...auditEnvelope(), 'detail-type': 'AuditEvent.v2' }).success).toBe(false);
  });
});
