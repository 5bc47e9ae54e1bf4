/**
 * The authorizer's record of a service account's token in use: AuditEvent.v1 `identity.token.use` under the identity
 * context's source, which the authorizer's grant allows for this one purpose (it verifies that context's tokens).
 */
import { randomUUID } from 'node:crypto';
import { type EventPublisher, eventBridgePublisher } from '../../../shared/aws/event-publisher.js';
import { auditEventFrom } from '../../../shared/contracts/events/audit-events.js';
import { EVENT_SOURCES } from '../../../shared/contracts/events/sources.js';
import type { TokenUseAudit } from '../ports/token-use-audit.js';

const TOKEN_USE_EVENT = auditEventFrom(EVENT_SOURCES.identity);

export function eventBridgeTokenUseAudit(publisher: EventPublisher = eventBridgePublisher()): TokenUseAudit {
  return {
    async recordUse(identity, methodArn) {
      await publisher.publish(
        TOKEN_USE_EVENT,
        {
          eventId: randomUUID(),
          action: 'identity.token.use',
          outcome: 'SUCCEEDED',
          srn: `srn:sagastack::${identity.tenant}:${identity.project}:service-account/${identity.sub}`,
          tenantId: identity.tenant,
          actor: { sub: identity.sub, tenant: identity.tenant, roles: [...identity.roles] },
          details: { methodArn, ...(identity.tokenId ? { jti: identity.tokenId } : {}) },
        },
        { correlationId: randomUUID(), occurredAt: new Date().toISOString() },
      );
    },
  };
}
