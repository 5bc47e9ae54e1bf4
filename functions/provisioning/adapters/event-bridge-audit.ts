/**
 * The audit publisher: AuditEvent.v1 on the stage's bus (EVENT_BUS_NAME, `events:PutEvents`). The audit sink appends
 * each one to the audit table; nothing here writes that table, which only the sink may touch.
 */
import { randomUUID } from 'node:crypto';
import { type EventPublisher, eventBridgePublisher } from '../../../shared/aws/event-publisher.js';
import { auditEventFrom } from '../../../shared/contracts/events/audit-events.js';
import { PROVISIONING_SOURCE } from '../../../shared/contracts/events/provisioning-events.js';
import { logger } from '../../../shared/powertools/index.js';
import type { AuditTrail } from '../ports/audit.js';

/** Provisioning audits under its own source, the only one its grants allow it. */
const PROVISIONING_AUDIT_EVENT = auditEventFrom(PROVISIONING_SOURCE);

export function eventBridgeAuditTrail(publisher: EventPublisher = eventBridgePublisher()): AuditTrail {
  return {
    async record(entry) {
      const data = {
        eventId: entry.eventId ?? randomUUID(),
        action: entry.action,
        outcome: entry.outcome,
        srn: entry.srn,
        tenantId: entry.tenantId,
        actor: entry.actor,
        ...(entry.details === undefined ? {} : { details: entry.details }),
      };
      await publisher.publish(PROVISIONING_AUDIT_EVENT, data, {
        correlationId: entry.correlationId,
        occurredAt: new Date().toISOString(),
      });
      logger.info('Audit event published', {
        action: entry.action,
        outcome: entry.outcome,
        srn: entry.srn,
        eventId: data.eventId,
      });
    },
  };
}
