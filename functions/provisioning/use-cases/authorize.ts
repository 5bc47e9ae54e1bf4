/**
 * Role checks inside a tenant. A caller of another tenant never gets here: the use cases answer 404 first, so nothing
 * of another tenant leaks. Within the tenant, a missing role is a 403 that also leaves a DENIED audit record.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import { ForbiddenError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { holdsRole, type ProvisioningRole } from '../domain/roles.js';
import type { AuditTrail } from '../ports/audit.js';

export interface AccessRequest {
  readonly principal: Principal;
  readonly required: ProvisioningRole;
  /** What was attempted, e.g. `resource.create`. */
  readonly action: string;
  /** What it was attempted on. */
  readonly srn: string;
  readonly correlationId: string;
}

export async function requireRole(request: AccessRequest, audit: AuditTrail): Promise<void> {
  const { principal } = request;
  if (holdsRole(principal.roles, request.required)) return;
  metrics.addMetric('AccessDenied', MetricUnit.Count, 1);
  logger.warn('Access denied', { action: request.action, srn: request.srn, required: request.required });
  try {
    await audit.record({
      action: request.action,
      outcome: 'DENIED',
      srn: request.srn,
      tenantId: principal.tenant,
      actor: actorOf(principal),
      correlationId: request.correlationId,
      details: { requiredRole: request.required },
    });
  } catch (error) {
    // The refusal stands either way; the 403 is the truth. The failed record is an error someone must look at.
    metrics.addMetric('AuditPublishFailed', MetricUnit.Count, 1);
    logger.error('The DENIED audit record could not be published', { srn: request.srn, error: error as Error });
  }
  throw new ForbiddenError(`This requires the role ${request.required} or above`);
}

export function actorOf(principal: Principal): { sub: string; tenant: string; roles: string[] } {
  return { sub: principal.sub, tenant: principal.tenant, roles: [...principal.roles] };
}
