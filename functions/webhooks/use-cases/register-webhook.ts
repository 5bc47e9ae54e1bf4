/**
 * `POST /webhooks`: a tenant-admin registers an endpoint for some of the tenant's events and gets its signing secret,
 * once. The secret is sealed by KMS before it is stored; it never reaches a table, a log line or the idempotency store
 * in clear (docs/adr/0036-webhook-delivery.md). A repeat of the request (same Idempotency-Key) finds the webhook
 * already there and is refused with 409: the secret is not shown twice, a lost one is replaced by a rotation.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type { RegisterWebhookBody, WebhookRegistered } from '../../../shared/contracts/webhooks-api.js';
import { ConflictError, ValidationError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { type EndpointPolicy, endpointRefusal } from '../domain/endpoint-url.js';
import { newSigningSecret, webhookIdFor } from '../domain/ids.js';
import { webhookSrn } from '../domain/srn.js';
import type { AuditTrail } from '../ports/audit.js';
import type { SecretSealer } from '../ports/secret-vault.js';
import { type Clock, systemClock } from '../ports/settings.js';
import type { WebhookRecord, Webhooks } from '../ports/webhooks.js';
import { recordAction, requireWebhookAdmin } from './access.js';
import { viewOfWebhook } from './webhook-view.js';

export interface RegisterWebhookCommand {
  readonly body: RegisterWebhookBody;
  readonly principal: Principal;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface RegisterWebhookPorts {
  readonly webhooks: Webhooks;
  readonly sealer: SecretSealer;
  readonly audit: AuditTrail;
  readonly endpointPolicy: EndpointPolicy;
  readonly clock?: Clock;
  readonly newSecret?: () => string;
}

export async function registerWebhook(
  command: RegisterWebhookCommand,
  ports: RegisterWebhookPorts,
): Promise<WebhookRegistered> {
  const { principal, correlationId, body } = command;
  const tenantId = principal.tenant;
  const webhookId = webhookIdFor(tenantId, principal.sub, command.idempotencyKey);
  const srn = webhookSrn(tenantId, webhookId);
  const audited = { principal, action: 'webhook.register', srn, correlationId };
  await requireWebhookAdmin(audited, ports.audit);
  const refusal = endpointRefusal(body.url, ports.endpointPolicy);
  if (refusal) throw new ValidationError(`The webhook URL ${refusal}`, [{ path: 'url', message: refusal }]);

  const now = (ports.clock ?? systemClock)();
  const secret = (ports.newSecret ?? newSigningSecret)();
  const ciphertext = await ports.sealer.seal(secret, { tenantId, webhookId });
  const record: WebhookRecord = {
    webhookId,
    tenantId,
    url: body.url,
    events: [...body.events],
    createdBy: principal.sub,
    createdAt: now.toISOString(),
    secret: { ciphertext, createdAt: now.toISOString() },
  };
  const { created } = await ports.webhooks.create(record);
  if (!created) {
    throw new ConflictError(
      'WEBHOOK_ALREADY_REGISTERED',
      'A webhook was already registered with this Idempotency-Key; its secret is shown once only, rotate it for a new one',
      { webhookId },
    );
  }
  await recordAction(ports.audit, audited, 'SUCCEEDED', { url: body.url, events: body.events });
  metrics.addMetric('WebhookRegistered', MetricUnit.Count, 1);
  logger.info('Webhook registered', { webhookId, srn, events: body.events });
  return { ...viewOfWebhook(record, now), secret };
}
