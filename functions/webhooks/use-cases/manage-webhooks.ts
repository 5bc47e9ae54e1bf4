/** `GET /webhooks`, `GET /webhooks/{id}` and `DELETE /webhooks/{id}`: a tenant-admin reads and removes webhooks. */
import type { Principal } from '../../../shared/contracts/common.js';
import type { WebhookList, WebhookView } from '../../../shared/contracts/webhooks-api.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { webhookSrn } from '../domain/srn.js';
import type { AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/settings.js';
import type { Webhooks } from '../ports/webhooks.js';
import { recordAction, requireWebhookAdmin, webhookOfTenant } from './access.js';
import { viewOfWebhook } from './webhook-view.js';

export async function listWebhooks(
  principal: Principal,
  ports: { webhooks: Webhooks; clock?: Clock },
): Promise<WebhookList> {
  const now = (ports.clock ?? systemClock)();
  const webhooks = await ports.webhooks.listByTenant(principal.tenant);
  return { webhooks: webhooks.map((webhook) => viewOfWebhook(webhook, now)) };
}

export async function getWebhook(
  webhookId: string,
  principal: Principal,
  ports: { webhooks: Webhooks; clock?: Clock },
): Promise<WebhookView> {
  const webhook = await webhookOfTenant(ports.webhooks, webhookId, principal.tenant);
  return viewOfWebhook(webhook, (ports.clock ?? systemClock)());
}

export interface DeleteWebhookCommand {
  readonly webhookId: string;
  readonly principal: Principal;
  readonly correlationId: string;
}

/**
 * Deletes the webhook. Deliveries still queued find it gone and end CANCELLED; the delivery log stays, for the
 * record, until the table's own retention.
 */
export async function deleteWebhook(
  command: DeleteWebhookCommand,
  ports: { webhooks: Webhooks; audit: AuditTrail },
): Promise<{ webhookId: string; deleted: true }> {
  const { principal, webhookId, correlationId } = command;
  const webhook = await webhookOfTenant(ports.webhooks, webhookId, principal.tenant);
  const srn = webhookSrn(webhook.tenantId, webhookId);
  const audited = { principal, action: 'webhook.delete', srn, correlationId };
  await requireWebhookAdmin(audited, ports.audit);
  await ports.webhooks.delete(webhookId);
  await recordAction(ports.audit, audited, 'SUCCEEDED', { url: webhook.url });
  metrics.addMetric('WebhookDeleted', MetricUnit.Count, 1);
  logger.info('Webhook deleted', { webhookId, srn });
  return { webhookId, deleted: true };
}
