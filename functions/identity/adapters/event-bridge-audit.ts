/**
 * The identity context's audit publisher: AuditEvent.v1 under its own source (`sagastack.identity`), the only one its
 * grants allow; the audit sink appends it to the trail.
 */
import { randomUUID } from 'node:crypto';
import { type EventPublisher, eventBridgePublisher } from '../../../shared/aws/event-publisher.js';
import { auditEventFrom } from '../../../shared/contracts/events/audit-events.js';
import { EVENT_SOURCES } from '../../../shared/contracts/events/sources.js';
import type { AuditTrail } from '../ports/audit.js';

const IDENTITY_AUDIT_EVENT = auditEventFrom(EVENT_SOURCES.identity);

export function eventBridgeIdentityAudit(publisher: EventPublisher = eventBridgePublisher()): AuditTrail {
  return {
    async record({ correlationId, ...entry }) {
      await publisher.publish(
        IDENTITY_AUDIT_EVENT,
        { eventId: randomUUID(), ...entry },
        { correlationId, occurredAt: new Date().toISOString() },
      );
    },
  };
}
