/** POST /webhooks/{webhookId}/deliveries/{deliveryId}/redeliver (tenant-admin): queues a new delivery of the event. */
import { DeliveryPath } from '../../../../shared/contracts/webhooks-api.js';
import { apiCommand } from '../../../../shared/http/api-command.js';
import { dynamoDeliveries } from '../../adapters/dynamo-deliveries.js';
import { dynamoWebhooks } from '../../adapters/dynamo-webhooks.js';
import { sqsDeliveryQueue } from '../../adapters/sqs-delivery-queue.js';
import { WEBHOOK_ADMIN_ROLE } from '../../use-cases/access.js';
import { redeliver } from '../../use-cases/delivery-log.js';

export const handler = apiCommand(
  { path: DeliveryPath, roles: [WEBHOOK_ADMIN_ROLE], status: 202 },
  ({ path, principal, idempotencyKey }) =>
    redeliver(
      { ...path, principal, idempotencyKey },
      { webhooks: dynamoWebhooks(), deliveries: dynamoDeliveries(), queue: sqsDeliveryQueue() },
    ),
);
