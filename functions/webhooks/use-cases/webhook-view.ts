/** How the API shows a webhook: everything but its secrets. */
import type { WebhookView } from '../../../shared/contracts/webhooks-api.js';
import type { WebhookRecord } from '../ports/webhooks.js';

export function viewOfWebhook(webhook: WebhookRecord, now: Date): WebhookView {
  const previousExpiresAt = webhook.previousSecret?.expiresAt;
  return {
    webhookId: webhook.webhookId,
    url: webhook.url,
    events: [...webhook.events],
    createdAt: webhook.createdAt,
    secretCreatedAt: webhook.secret.createdAt,
    ...(previousExpiresAt && Date.parse(previousExpiresAt) > now.getTime()
      ? { previousSecretExpiresAt: previousExpiresAt }
      : {}),
  };
}
