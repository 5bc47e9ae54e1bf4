/**
 * The fan-out: one platform event (OrderPlaced.v1, RefundIssued.v1, ResourceProvisioned.v1) becomes one delivery per
 * webhook of the event's tenant that subscribed to it. Each delivery is written to the log with the exact body it will
 * send, then queued for the deliverer.
 *
 * The tenant is the event's own `tenantId`. RefundIssued.v1 carries none: its order's tenant is the one OrderPlaced.v1
 * named, which this context remembers for that purpose. A refund of an order the context never saw placed (placed
 * before webhooks existed) goes to no webhook: guessing a tenant could send one tenant's refund to another's endpoint.
 */
import type { WebhookEventType, WebhookPayload } from '../../../shared/contracts/webhooks-api.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { deliveryIdFor } from '../domain/ids.js';
import type { Deliveries } from '../ports/deliveries.js';
import type { DeliveryQueue } from '../ports/delivery-queue.js';
import type { OrderTenants } from '../ports/order-tenants.js';
import type { Webhooks } from '../ports/webhooks.js';

export interface PlatformEvent {
  /** The EventBridge event id: the same for every delivery of it, so receivers deduplicate on it. */
  readonly eventId: string;
  readonly eventType: WebhookEventType;
  readonly occurredAt: string;
  readonly data: Record<string, unknown> & { readonly tenantId?: string; readonly orderId?: string };
}

export interface FanOutPorts {
  readonly webhooks: Webhooks;
  readonly deliveries: Deliveries;
  readonly queue: DeliveryQueue;
  readonly orderTenants: OrderTenants;
}

export async function fanOutEvent(event: PlatformEvent, ports: FanOutPorts): Promise<{ deliveries: number }> {
  const { data } = event;
  if (event.eventType === 'OrderPlaced.v1' && data.orderId && data.tenantId) {
    await ports.orderTenants.remember(data.orderId, data.tenantId);
  }
  const tenantId = data.tenantId ?? (data.orderId ? await ports.orderTenants.tenantOf(data.orderId) : undefined);
  if (!tenantId) {
    metrics.addMetric('WebhookEventWithoutTenant', MetricUnit.Count, 1);
    logger.warn('The event names no tenant this context knows; no webhook gets it', {
      eventId: event.eventId,
      eventType: event.eventType,
    });
    return { deliveries: 0 };
  }
  const subscribed = (await ports.webhooks.listByTenant(tenantId)).filter((webhook) =>
    webhook.events.includes(event.eventType),
  );
  const payload: WebhookPayload = {
    eventId: event.eventId,
    type: event.eventType,
    occurredAt: event.occurredAt,
    tenantId,
    data,
  };
  const body = JSON.stringify(payload);
  const now = new Date().toISOString();
  for (const webhook of subscribed) {
    const deliveryId = deliveryIdFor(new Date(event.occurredAt), event.eventId, webhook.webhookId);
    // A repeated fan-out writes nothing new and queues the delivery again; the deliverer skips a finished one.
    await ports.deliveries.create({
      webhookId: webhook.webhookId,
      deliveryId,
      tenantId,
      eventId: event.eventId,
      eventType: event.eventType,
      body,
      status: 'PENDING',
      attempts: [],
      createdAt: now,
      updatedAt: now,
    });
    await ports.queue.enqueue({ webhookId: webhook.webhookId, deliveryId });
  }
  metrics.addMetric('WebhookDeliveriesQueued', MetricUnit.Count, subscribed.length);
  logger.info('Event fanned out to webhooks', { eventId: event.eventId, tenantId, deliveries: subscribed.length });
  return { deliveries: subscribed.length };
}
