/** GET /webhooks/{webhookId} (tenant-admin): one webhook of the tenant, without its secret; 404 for another's. */
import { WebhookPath } from '../../../../shared/contracts/webhooks-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoWebhooks } from '../../adapters/dynamo-webhooks.js';
import { WEBHOOK_ADMIN_ROLE } from '../../use-cases/access.js';
import { getWebhook } from '../../use-cases/manage-webhooks.js';

export const handler = apiHandler({ path: WebhookPath, roles: [WEBHOOK_ADMIN_ROLE] }, async ({ path, principal }) => ({
  statusCode: 200,
  body: await getWebhook(path.webhookId, principal, { webhooks: dynamoWebhooks() }),
}));
