/** The audit publisher: AuditEvent.v1 under the webhooks context's own source, which the audit sink appends. */
import { randomUUID } from 'node:crypto';
import { type EventPublisher, eventBridgePublisher } from '../../../shared/aws/event-publisher.js';
import { auditEventFrom } from '../../../shared/contracts/events/audit-events.js';
import { WEBHOOKS_SOURCE } from '../../../shared/contracts/events/webhooks-events.js';
import type { AuditTrail } from '../ports/audit.js';

const WEBHOOKS_AUDIT_EVENT = auditEventFrom(WEBHOOKS_SOURCE);

export function eventBridgeAuditTrail(publisher: EventPublisher = eventBridgePublisher()): AuditTrail {
  return {
    record: ({ correlationId, ...entry }) =>
      publisher.publish(
        WEBHOOKS_AUDIT_EVENT,
        { eventId: randomUUID(), ...entry },
        { correlationId, occurredAt: new Date().toISOString() },
      ),
  };
}
