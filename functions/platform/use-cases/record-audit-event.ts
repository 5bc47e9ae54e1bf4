/** The audit sink: appends one audit event to the trail, once, and never lets anyone rewrite it. */
import type { AuditEventEnvelope } from '../../../shared/contracts/events/audit-envelope.js';
import { logger } from '../../../shared/powertools/index.js';
import { type AuditRecord, auditRecordOf, sameAuditEvent, sameAuditRecord } from '../domain/audit.js';
import type { AuditAppender } from '../ports/audit-log.js';

export interface RecordAuditEventPorts {
  readonly log: AuditAppender;
  readonly alerts: { tamperAttempt(): void };
}

/**
 * `RECORDED`: a new record. `DUPLICATE`: the same event again (a redelivery), nothing changed. `TAMPER_REFUSED`: a
 * different event claimed an existing record's key; the record was kept, and the attempt logged and counted.
 * `UNVERIFIED`: the key was taken but the store did not say by what; the record was kept.
 *
 * Every outcome succeeds the message: the trail is as it must be, and no retry could (or should) change it.
 */
export type RecordAuditOutcome = 'RECORDED' | 'DUPLICATE' | 'TAMPER_REFUSED' | 'UNVERIFIED';

export async function recordAuditEvent(
  event: AuditEventEnvelope,
  ports: RecordAuditEventPorts,
): Promise<RecordAuditOutcome> {
  const record = auditRecordOf(event);
  const where = { srn: record.srn, sk: record.sk, eventId: record.eventId, envelopeId: event.id };
  const result = await ports.log.append(record);
  if (result.status === 'APPENDED') {
    logger.info('Audit record appended', { ...where, action: record.action, outcome: record.outcome });
    return 'RECORDED';
  }
  if (!result.existing) {
    logger.warn('Audit record key already taken; the store did not return the record, so it is kept unverified', where);
    return 'UNVERIFIED';
  }
  if (sameAuditRecord(result.existing, record)) {
    logger.info('Audit event already recorded; redelivery ignored', where);
    return 'DUPLICATE';
  }
  if (sameAuditEvent(result.existing, record)) {
    // A saga step that published, failed, and was retried publishes the same event again with a later time.
    logger.info('Audit event already recorded at another time; the repeat is ignored', {
      ...where,
      recordedAt: result.existing.recordedAt,
      repeatedAt: record.recordedAt,
    });
    return 'DUPLICATE';
  }
  ports.alerts.tamperAttempt();
  logger.error('Audit tamper attempt refused: a different event claimed an existing record; the record is unchanged', {
    ...where,
    existing: summary(result.existing),
    attempted: summary(record),
  });
  return 'TAMPER_REFUSED';
}

/** What tells the two records apart, without their details (which may be long, and are in the table). */
function summary(record: AuditRecord) {
  return {
    action: record.action,
    outcome: record.outcome,
    actor: record.actor,
    tenantId: record.tenantId,
    correlationId: record.correlationId,
  };
}
