/**
 * `GET /webhooks/{id}/deliveries` and `POST /webhooks/{id}/deliveries/{deliveryId}/redeliver`: the delivery log, and
 * sending one logged delivery again. A redelivery is a new delivery (its own id, attempts and retries) of the same
 * event with the same body, so the receiver sees the same `eventId`; it is signed afresh with the current secrets.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type { DeliveryList, DeliveryView, RedeliveryAccepted } from '../../../shared/contracts/webhooks-api.js';
import { NotFoundError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { redeliveryIdFor } from '../domain/ids.js';
import type { Deliveries, DeliveryRecord } from '../ports/deliveries.js';
import type { DeliveryQueue } from '../ports/delivery-queue.js';
import { type Clock, systemClock } from '../ports/settings.js';
import type { Webhooks } from '../ports/webhooks.js';
import { webhookOfTenant } from './access.js';

/** The newest deliveries shown; older ones stay in the table. */
const DELIVERY_LOG_LIMIT = 100;

export async function listDeliveries(
  webhookId: string,
  principal: Principal,
  ports: { webhooks: Webhooks; deliveries: Deliveries },
): Promise<DeliveryList> {
  await webhookOfTenant(ports.webhooks, webhookId, principal.tenant);
  const deliveries = await ports.deliveries.list(webhookId, DELIVERY_LOG_LIMIT);
  return { deliveries: deliveries.map(viewOfDelivery) };
}

export interface RedeliverCommand {
  readonly webhookId: string;
  readonly deliveryId: string;
  readonly principal: Principal;
  readonly idempotencyKey: string;
}

export async function redeliver(
  command: RedeliverCommand,
  ports: { webhooks: Webhooks; deliveries: Deliveries; queue: DeliveryQueue; clock?: Clock },
): Promise<RedeliveryAccepted> {
  const { webhookId, deliveryId, principal } = command;
  await webhookOfTenant(ports.webhooks, webhookId, principal.tenant);
  const original = await ports.deliveries.get(webhookId, deliveryId);
  if (!original) throw new NotFoundError('Delivery', deliveryId);
  const now = (ports.clock ?? systemClock)();
  const redeliveryId = redeliveryIdFor(now, deliveryId, command.idempotencyKey);
  await ports.deliveries.create({
    webhookId,
    deliveryId: redeliveryId,
    tenantId: original.tenantId,
    eventId: original.eventId,
    eventType: original.eventType,
    body: original.body,
    status: 'PENDING',
    attempts: [],
    redeliveryOf: deliveryId,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  });
  await ports.queue.enqueue({ webhookId, deliveryId: redeliveryId });
  metrics.addMetric('WebhookRedeliveryRequested', MetricUnit.Count, 1);
  logger.info('Redelivery queued', { webhookId, deliveryId: redeliveryId, redeliveryOf: deliveryId });
  return { deliveryId: redeliveryId, redeliveryOf: deliveryId, status: 'PENDING' };
}

function viewOfDelivery(record: DeliveryRecord): DeliveryView {
  return {
    deliveryId: record.deliveryId,
    webhookId: record.webhookId,
    eventId: record.eventId,
    eventType: record.eventType,
    status: record.status,
    attempts: [...record.attempts],
    ...(record.nextAttemptAt && record.status === 'RETRYING' ? { nextAttemptAt: record.nextAttemptAt } : {}),
    ...(record.redeliveryOf ? { redeliveryOf: record.redeliveryOf } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
