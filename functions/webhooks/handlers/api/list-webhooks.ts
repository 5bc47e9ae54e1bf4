/** GET /webhooks (tenant-admin): the tenant's webhooks, without secrets. */
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoWebhooks } from '../../adapters/dynamo-webhooks.js';
import { WEBHOOK_ADMIN_ROLE } from '../../use-cases/access.js';
import { listWebhooks } from '../../use-cases/manage-webhooks.js';

export const handler = apiHandler({ roles: [WEBHOOK_ADMIN_ROLE] }, async ({ principal }) => ({
  statusCode: 200,
  body: await listWebhooks(principal, { webhooks: dynamoWebhooks() }),
}));
