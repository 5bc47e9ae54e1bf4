/** GET /webhooks/{webhookId}/deliveries (tenant-admin): the delivery log, newest first. */
import { WebhookPath } from '../../../../shared/contracts/webhooks-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoDeliveries } from '../../adapters/dynamo-deliveries.js';
import { dynamoWebhooks } from '../../adapters/dynamo-webhooks.js';
import { WEBHOOK_ADMIN_ROLE } from '../../use-cases/access.js';
import { listDeliveries } from '../../use-cases/delivery-log.js';

export const handler = apiHandler({ path: WebhookPath, roles: [WEBHOOK_ADMIN_ROLE] }, async ({ path, principal }) => ({
  statusCode: 200,
  body: await listDeliveries(path.webhookId, principal, { webhooks: dynamoWebhooks(), deliveries: dynamoDeliveries() }),
}));
