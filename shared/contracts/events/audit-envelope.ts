/** The envelope the audit sink's queue receives: an EventBridge event carrying `AuditEvent.v1`. */
import * as z from 'zod';
import { AUDIT_PUBLISHERS, AuditEvent } from './audit-events.js';
import { eventEnvelope } from './define-event.js';

export const AuditEventEnvelope = eventEnvelope(AuditEvent.detail).extend({
  'detail-type': z.literal(AuditEvent.detailType),
  // Only the auditing contexts may write the audit trail; anything else that reached the queue is refused (and DLQ'd).
  source: z.enum(AUDIT_PUBLISHERS),
});
export type AuditEventEnvelope = z.infer<typeof AuditEventEnvelope>;
