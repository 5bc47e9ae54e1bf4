/**
 * The audit trail's one event. Whoever does something critical (an API handler, a saga's last step) publishes it; the
 * audit sink appends it to the audit table, where nobody can change it.
 */
import * as z from 'zod';
import { Srn } from '../common.js';
import { defineEvent } from './define-event.js';

export const AUDIT_SOURCE = 'sagastack.audit';

export const AuditOutcome = z.enum(['SUCCEEDED', 'FAILED', 'DENIED']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** A person (from the verified token) or a saga acting on its own. */
export const AuditActor = z.union([
  z.object({ sub: z.string().min(1), tenant: z.string().min(1), roles: z.array(z.string()) }).strict(),
  z.object({ system: z.literal('saga') }).strict(),
]);
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditEvent = defineEvent({
  name: 'AuditEvent',
  version: 1,
  source: AUDIT_SOURCE,
  data: z.object({
    eventId: z.string().min(1).max(128),
    /** e.g. 'project.create', 'resource.create', 'resource.delete', 'saga.provision', 'saga.deprovision' */
    action: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/, 'dotted lower-case, e.g. resource.create'),
    outcome: AuditOutcome,
    srn: Srn,
    tenantId: z.string().min(1),
    actor: AuditActor,
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
