/** DELETE /webhooks/{webhookId} (tenant-admin): deletes the webhook; audited, a refusal too. */
import { WebhookPath } from '../../../../shared/contracts/webhooks-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoWebhooks } from '../../adapters/dynamo-webhooks.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { deleteWebhook } from '../../use-cases/manage-webhooks.js';

// Roles are checked by the use case: a refusal must also leave a DENIED audit record.
export const handler = apiHandler({ path: WebhookPath }, async ({ path, principal, correlationId }) => ({
  statusCode: 200,
  body: await deleteWebhook(
    { webhookId: path.webhookId, principal, correlationId },
    { webhooks: dynamoWebhooks(), audit: eventBridgeAuditTrail() },
  ),
}));
