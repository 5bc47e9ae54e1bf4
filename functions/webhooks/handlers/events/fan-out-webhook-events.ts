/** SQS consumer of OrderPlaced.v1, RefundIssued.v1 and ResourceProvisioned.v1: one delivery per subscribed webhook. */
import { WebhookEventEnvelope } from '../../../../shared/contracts/events/webhooks-events.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { dynamoDeliveries } from '../../adapters/dynamo-deliveries.js';
import { dynamoOrderTenants } from '../../adapters/dynamo-order-tenants.js';
import { dynamoWebhooks } from '../../adapters/dynamo-webhooks.js';
import { sqsDeliveryQueue } from '../../adapters/sqs-delivery-queue.js';
import { fanOutEvent } from '../../use-cases/fan-out-event.js';

export const handler = sqsEventConsumer(
  { message: WebhookEventEnvelope, correlationIdOf: (event) => event.detail.metadata.correlationId },
  async (event) => {
    await fanOutEvent(
      {
        eventId: event.id,
        eventType: event['detail-type'],
        occurredAt: event.detail.metadata.occurredAt,
        data: event.detail.data,
      },
      {
        webhooks: dynamoWebhooks(),
        deliveries: dynamoDeliveries(),
        queue: sqsDeliveryQueue(),
        orderTenants: dynamoOrderTenants(),
      },
    );
  },
);
