/**
 * Who may manage webhooks: a tenant-admin of the webhook's tenant. A caller of another tenant gets 404, never 403,
 * so nothing of another tenant leaks; a caller of the tenant without the role gets 403 and, for the actions that
 * change something, a DENIED audit record.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type { AuditOutcome } from '../../../shared/contracts/events/audit-events.js';
import { ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import type { AuditTrail } from '../ports/audit.js';
import type { WebhookRecord, Webhooks } from '../ports/webhooks.js';

export const WEBHOOK_ADMIN_ROLE = 'tenant-admin';

function actorOf(principal: Principal): { sub: string; tenant: string; roles: string[] } {
  return { sub: principal.sub, tenant: principal.tenant, roles: [...principal.roles] };
}

export interface AuditedAction {
  readonly principal: Principal;
  /** e.g. `webhook.register`. */
  readonly action: string;
  readonly srn: string;
  readonly correlationId: string;
}

/** Records what the caller did (or was refused) on the webhook, in the caller's tenant. */
export function recordAction(
  audit: AuditTrail,
  request: AuditedAction,
  outcome: AuditOutcome,
  details?: Record<string, unknown>,
): Promise<void> {
  const { principal, action, srn, correlationId } = request;
  return audit.record({
    action,
    outcome,
    srn,
    tenantId: principal.tenant,
    actor: actorOf(principal),
    correlationId,
    ...(details ? { details } : {}),
  });
}

/** 403 with a DENIED audit record unless the caller is a tenant-admin. */
export async function requireWebhookAdmin(request: AuditedAction, audit: AuditTrail): Promise<void> {
  if (request.principal.roles.includes(WEBHOOK_ADMIN_ROLE)) return;
  metrics.addMetric('AccessDenied', MetricUnit.Count, 1);
  logger.warn('Access denied', { action: request.action, srn: request.srn });
  try {
    await recordAction(audit, request, 'DENIED', { requiredRole: WEBHOOK_ADMIN_ROLE });
  } catch (error) {
    // The refusal stands either way; the failed record is an error someone must look at.
    metrics.addMetric('AuditPublishFailed', MetricUnit.Count, 1);
    logger.error('The DENIED audit record could not be published', { srn: request.srn, error: error as Error });
  }
  throw new ForbiddenError(`This requires the role ${WEBHOOK_ADMIN_ROLE}`);
}

/** The webhook, if it belongs to the caller's tenant; 404 otherwise (absent and foreign look the same). */
export async function webhookOfTenant(webhooks: Webhooks, webhookId: string, tenantId: string): Promise<WebhookRecord> {
  const webhook = await webhooks.get(webhookId);
  if (!webhook || webhook.tenantId !== tenantId) throw new NotFoundError('Webhook', webhookId);
  return webhook;
}
