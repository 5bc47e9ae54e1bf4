/** GET /audit?resource={srn}: a resource's audit trail, newest first, for the administrators of its tenant. */
import { randomUUID } from 'node:crypto';
import type { EventPublisher } from '../../../shared/aws/event-publisher.js';
import type { AuditTrail } from '../../../shared/contracts/audit-api.js';
import type { Principal } from '../../../shared/contracts/common.js';
import { AuditEvent } from '../../../shared/contracts/events/audit-events.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { AUDIT_READER_ROLE, auditReadDecision, auditRecordView } from '../domain/audit.js';
import type { AuditReader } from '../ports/audit-log.js';

export interface GetAuditTrailPorts {
  readonly audit: AuditReader;
  readonly events: EventPublisher;
}

const AUDIT_READ_ACTION = 'audit.read';

export async function getAuditTrail(
  srn: string,
  principal: Principal,
  correlationId: string,
  ports: GetAuditTrailPorts,
): Promise<AuditTrail> {
  const decision = auditReadDecision(principal, srn);
  if (decision === 'NOT_FOUND') throw new NotFoundError('Resource', srn);
  if (decision === 'FORBIDDEN') {
    await auditDenial(srn, principal, correlationId, ports.events);
    throw new ForbiddenError(`Reading the audit trail requires the role ${AUDIT_READER_ROLE}`);
  }
  const records = await ports.audit.trail(srn);
  return {
    resource: srn,
    // Defence in depth: the SRN names the tenant, and a record of another tenant under it is never shown.
    records: records.filter((record) => record.tenantId === principal.tenant).map(auditRecordView),
  };
}

/**
 * A refused read leaves a DENIED audit event. If it cannot be published the caller still gets the 403 (nothing was
 * read, so nothing needs protecting), and the failure is logged for whoever watches the audit pipeline.
 */
async function auditDenial(
  srn: string,
  principal: Principal,
  correlationId: string,
  events: EventPublisher,
): Promise<void> {
  try {
    await events.publish(
      AuditEvent,
      {
        eventId: randomUUID(),
        action: AUDIT_READ_ACTION,
        outcome: 'DENIED',
        srn,
        tenantId: principal.tenant,
        actor: { sub: principal.sub, tenant: principal.tenant, roles: [...principal.roles] },
        details: { requiredRole: AUDIT_READER_ROLE },
      },
      { correlationId, occurredAt: new Date().toISOString() },
    );
  } catch (error) {
    logger.error('The DENIED audit event of a refused audit read could not be published', {
      srn,
      error: error as Error,
    });
  }
}
