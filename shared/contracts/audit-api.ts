/** `GET /audit?resource={srn}`: the audit trail of one resource, for the tenant's administrators. */
import * as z from 'zod';
import { Srn } from './common.js';
import { AuditActor, AuditOutcome } from './events/audit-events.js';

export const AuditQuery = z.object({ resource: Srn });
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditRecordView = z.object({
  eventId: z.string(),
  action: z.string(),
  outcome: AuditOutcome,
  actor: AuditActor,
  tenantId: z.string(),
  correlationId: z.string(),
  details: z.record(z.string(), z.unknown()),
  recordedAt: z.string(),
});
export type AuditRecordView = z.infer<typeof AuditRecordView>;

/** Newest record first. */
export const AuditTrail = z.object({ resource: Srn, records: z.array(AuditRecordView) });
export type AuditTrail = z.infer<typeof AuditTrail>;
