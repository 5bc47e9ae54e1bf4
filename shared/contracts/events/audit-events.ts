/**
 * The audit trail's one event. Whoever does something critical (an API handler, a saga's last step) publishes it under
 * its own context's source; the audit sink appends it to the audit table, where nobody can change it.
 */
import * as z from 'zod';
import { Srn } from '../common.js';
import { defineEvent, type EventContract } from './define-event.js';
import { EVENT_SOURCES } from './sources.js';

export const AUDIT_SOURCE = EVENT_SOURCES.audit;

/**
 * The sources whose audit events the trail accepts: the contexts that audit what they do. A context's functions may
 * publish under their own source only (`events:source` in their grants), so an audit record's source tells who wrote
 * it, and a context that is not listed cannot write the trail at all.
 */
export const AUDIT_PUBLISHERS = [
  EVENT_SOURCES.provisioning,
  EVENT_SOURCES.audit,
  EVENT_SOURCES.identity,
  EVENT_SOURCES.webhooks,
] as const;
export type AuditPublisher = (typeof AUDIT_PUBLISHERS)[number];

export const AuditOutcome = z.enum(['SUCCEEDED', 'FAILED', 'DENIED']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** A person (from the verified token) or a saga acting on its own. */
export const AuditActor = z.union([
  z.object({ sub: z.string().min(1), tenant: z.string().min(1), roles: z.array(z.string()) }).strict(),
  z.object({ system: z.literal('saga') }).strict(),
]);
export type AuditActor = z.infer<typeof AuditActor>;

/** AuditEvent.v1 as the audit context itself publishes it (a refused read of the trail). */
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

/** AuditEvent.v1 under `publisher`'s own source: the same detail-type and schema, published by that context. */
export function auditEventFrom(publisher: AuditPublisher): EventContract<typeof AuditEvent.data> {
  return { ...AuditEvent, source: publisher };
}
