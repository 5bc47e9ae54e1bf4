/**
 * The audit trail's rules: what record an audit event becomes, when a second write of the same key is a harmless
 * redelivery and when it is an attempt to rewrite history, and who may read a resource's trail. Pure.
 */
import type { AuditRecordView } from '../../../shared/contracts/audit-api.js';
import type { Principal } from '../../../shared/contracts/common.js';
import { SRN_PATTERN } from '../../../shared/contracts/common.js';
import type { AuditEventEnvelope } from '../../../shared/contracts/events/audit-envelope.js';
import { ValidationError } from '../../../shared/errors.js';

/** One item of AUDIT_TABLE_NAME (`srn` + `sk`). Written once, never updated nor deleted. */
export interface AuditRecord extends AuditRecordView {
  readonly srn: string;
  /** `<recordedAt ISO>#<eventId>`: a resource's records sort by time, and the event id keeps them apart. */
  readonly sk: string;
}

/** Only this role reads audit trails. */
export const AUDIT_READER_ROLE = 'tenant-admin';

export interface SrnParts {
  readonly region: string;
  readonly tenantId: string;
  readonly projectId: string;
  readonly type: string;
  readonly resourceId: string;
}

/**
 * Reads `srn:sagastack:{region}:{tenantId}:{projectId}:{type}/{resourceId}` with the shared contract's pattern. A local
 * reader on purpose: the platform context must not depend on the provisioning context's domain, and all it needs is
 * the tenant.
 */
export function parseSrn(srn: string): SrnParts | undefined {
  const match = SRN_PATTERN.exec(srn);
  if (!match) return undefined;
  const [, region = '', tenantId = '', projectId = '', type = '', resourceId = ''] = match;
  return { region, tenantId, projectId, type, resourceId };
}

export function auditSortKey(recordedAt: string, eventId: string): string {
  return `${recordedAt}#${eventId}`;
}

/**
 * The record an audit event becomes. Everything comes from the event, nothing from the clock: `recordedAt` is when the
 * event occurred (normalised to ISO, so records sort), so a redelivery yields the very same key and content, and the
 * conditional write recognises it.
 */
export function auditRecordOf(event: AuditEventEnvelope): AuditRecord {
  const { data, metadata } = event.detail;
  const recordedAt = isoInstant(metadata.occurredAt) ?? isoInstant(event.time);
  if (!recordedAt) {
    throw new ValidationError(`Audit event ${data.eventId} has no valid time`, [
      { path: 'detail.metadata.occurredAt', message: 'an ISO instant is required' },
    ]);
  }
  return {
    srn: data.srn,
    sk: auditSortKey(recordedAt, data.eventId),
    eventId: data.eventId,
    action: data.action,
    outcome: data.outcome,
    actor: data.actor,
    tenantId: data.tenantId,
    correlationId: metadata.correlationId,
    details: data.details ?? {},
    recordedAt,
  };
}

/**
 * Whether an existing record says exactly what the incoming one says: then the write was a redelivery. Compared as
 * canonical JSON (keys sorted), so attribute order in storage does not matter.
 */
export function sameAuditRecord(existing: AuditRecord, incoming: AuditRecord): boolean {
  return canonicalJson(existing) === canonicalJson(incoming);
}

/**
 * Whether two records tell the same event, whenever it was published: equal but for the time (and the key, which
 * holds it). A retried publisher repeats an event with a later time; anything else that differs is not a repeat.
 */
export function sameAuditEvent(existing: AuditRecord, incoming: AuditRecord): boolean {
  const { sk: _existingKey, recordedAt: _existingTime, ...existingEvent } = existing;
  const { sk: _incomingKey, recordedAt: _incomingTime, ...incomingEvent } = incoming;
  return canonicalJson(existingEvent) === canonicalJson(incomingEvent);
}

export type AuditReadDecision = 'ALLOWED' | 'NOT_FOUND' | 'FORBIDDEN';

/**
 * Another tenant's resource does not exist for the caller (404, checked first so a role never reveals anything across
 * tenants); within the tenant, only tenant administrators read the trail (403).
 */
export function auditReadDecision(principal: Principal, srn: string): AuditReadDecision {
  if (parseSrn(srn)?.tenantId !== principal.tenant) return 'NOT_FOUND';
  if (!principal.roles.includes(AUDIT_READER_ROLE)) return 'FORBIDDEN';
  return 'ALLOWED';
}

export function auditRecordView(record: AuditRecord): AuditRecordView {
  return {
    eventId: record.eventId,
    action: record.action,
    outcome: record.outcome,
    actor: record.actor,
    tenantId: record.tenantId,
    correlationId: record.correlationId,
    details: record.details,
    recordedAt: record.recordedAt,
  };
}

function isoInstant(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested) =>
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );
}
