/**
 * `POST /webhooks/{id}/secret`: a new signing secret, shown once. The one it replaces keeps signing beside it until
 * `secretOverlapSeconds` have passed, so a receiver can switch without missing a delivery; at most two secrets sign
 * at any time (a rotation during an overlap ends the older overlap at once). A repeat with the same Idempotency-Key is
 * refused with 409, for the same reason as a repeated registration: the secret is shown once.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type { SecretRotated } from '../../../shared/contracts/webhooks-api.js';
import { ConflictError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { newSigningSecret } from '../domain/ids.js';
import { webhookSrn } from '../domain/srn.js';
import type { AuditTrail } from '../ports/audit.js';
import type { SecretSealer } from '../ports/secret-vault.js';
import { type Clock, systemClock } from '../ports/settings.js';
import type { Webhooks } from '../ports/webhooks.js';
import { recordAction, requireWebhookAdmin, webhookOfTenant } from './access.js';

export interface RotateSecretCommand {
  readonly webhookId: string;
  readonly principal: Principal;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface RotateSecretPorts {
  readonly webhooks: Webhooks;
  readonly sealer: SecretSealer;
  readonly audit: AuditTrail;
  readonly secretOverlapSeconds: number;
  readonly clock?: Clock;
  readonly newSecret?: () => string;
}

export async function rotateSecret(command: RotateSecretCommand, ports: RotateSecretPorts): Promise<SecretRotated> {
  const { principal, webhookId, correlationId } = command;
  const webhook = await webhookOfTenant(ports.webhooks, webhookId, principal.tenant);
  const srn = webhookSrn(webhook.tenantId, webhookId);
  const audited = { principal, action: 'webhook.rotate-secret', srn, correlationId };
  await requireWebhookAdmin(audited, ports.audit);
  const rotationKey = `${principal.sub}:${command.idempotencyKey}`;
  if (webhook.rotationKey === rotationKey) throw alreadyRotated(webhookId);

  const now = (ports.clock ?? systemClock)();
  const secret = (ports.newSecret ?? newSigningSecret)();
  const previousSecretExpiresAt = new Date(now.getTime() + ports.secretOverlapSeconds * 1000).toISOString();
  const rotated = await ports.webhooks.rotate(
    webhookId,
    {
      secret: {
        ciphertext: await ports.sealer.seal(secret, { tenantId: webhook.tenantId, webhookId }),
        createdAt: now.toISOString(),
      },
      previousSecret: { ...webhook.secret, expiresAt: previousSecretExpiresAt },
      rotationKey,
    },
    webhook.secret.ciphertext,
  );
  // Another rotation changed the secret since it was read: this one's new secret was never stored, so it must not
  // be shown as if it signed anything.
  if (!rotated) throw alreadyRotated(webhookId);
  await recordAction(ports.audit, audited, 'SUCCEEDED', { previousSecretExpiresAt });
  metrics.addMetric('WebhookSecretRotated', MetricUnit.Count, 1);
  logger.info('Webhook secret rotated', { webhookId, srn, previousSecretExpiresAt });
  return { webhookId, secret, previousSecretExpiresAt };
}

const alreadyRotated = (webhookId: string) =>
  new ConflictError(
    'SECRET_ALREADY_ROTATED',
    'The secret was rotated by this request or a concurrent one; its secret is shown once only, rotate again for a new one',
    { webhookId },
  );
