/**
 * One attempt at one delivery: sign the logged body with the webhook's secrets (two during a rotation's overlap),
 * POST it within the timeout, log the attempt, and say what the queue should do with the message:
 *
 * - `done`: delivered (2xx), or nothing left to deliver (finished before, webhook deleted);
 * - `retry`: put the message aside for `delaySeconds` (exponential backoff with jitter, or, when the endpoint's slots
 *   were all held, a short wait that does not count as an attempt);
 * - `dead-letter`: the last attempt failed; the message goes to the DLQ, whose alarm tells an operator.
 *
 * The attempt number is the log's, not SQS's receive count, which a wait for a slot also raises.
 */

import type { DeliveryMessage } from '../../../shared/contracts/webhooks-api.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { WEBHOOK_HEADERS, webhookSignatureHeader } from '../../../shared/webhooks/verify-signature.js';
import { endpointRefusal } from '../domain/endpoint-url.js';
import { retryDelaySeconds } from '../domain/retry-schedule.js';
import { secretsSigningAt } from '../domain/signing-secrets.js';
import type { Deliveries, DeliveryRecord } from '../ports/deliveries.js';
import type { Endpoint, EndpointAnswer } from '../ports/endpoint.js';
import type { EndpointSlots } from '../ports/endpoint-slots.js';
import type { SecretOpener } from '../ports/secret-vault.js';
import { type Clock, type DeliverySettings, systemClock } from '../ports/settings.js';
import type { WebhookRecord, Webhooks } from '../ports/webhooks.js';

export type DeliveryDecision =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly delaySeconds: number }
  | { readonly kind: 'dead-letter'; readonly reason: string };

export interface DeliverPorts {
  readonly webhooks: Webhooks;
  readonly deliveries: Deliveries;
  readonly slots: EndpointSlots;
  readonly opener: SecretOpener;
  readonly endpoint: Endpoint;
  readonly settings: DeliverySettings;
  readonly clock?: Clock;
  readonly random?: () => number;
}

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/** `holder` names this attempt (the SQS message id) on the endpoint slot it leases. */
export async function deliver(
  message: DeliveryMessage,
  holder: string,
  ports: DeliverPorts,
): Promise<DeliveryDecision> {
  const clock = ports.clock ?? systemClock;
  const random = ports.random ?? Math.random;
  const { webhookId, deliveryId } = message;
  const delivery = await ports.deliveries.get(webhookId, deliveryId);
  if (!delivery || FINISHED.has(delivery.status)) {
    logger.info('Nothing to deliver', { webhookId, deliveryId, status: delivery?.status ?? 'absent' });
    return { kind: 'done' };
  }
  const webhook = await ports.webhooks.get(webhookId);
  if (!webhook || webhook.tenantId !== delivery.tenantId) {
    await ports.deliveries.setStatus(webhookId, deliveryId, 'CANCELLED', clock().toISOString());
    logger.info('Webhook deleted; delivery cancelled', { webhookId, deliveryId });
    return { kind: 'done' };
  }

  const { settings } = ports;
  const leaseSeconds = Math.ceil(settings.requestTimeoutMs / 1000) + 5;
  const lease = await ports.slots.acquire(webhookId, holder, settings.endpointConcurrency, leaseSeconds);
  if (!lease) {
    metrics.addMetric('WebhookEndpointBusy', MetricUnit.Count, 1);
    const wait = settings.busyEndpointRetrySeconds;
    return { kind: 'retry', delaySeconds: Math.max(1, Math.round(wait / 2 + random() * wait)) };
  }
  let answer: EndpointAnswer;
  const startedAt = clock();
  try {
    answer = await attempt(webhook, delivery, ports, startedAt);
  } finally {
    await ports.slots.release(lease);
  }
  return recordOutcome(delivery, answer, startedAt, ports, random);
}

async function attempt(
  webhook: WebhookRecord,
  delivery: DeliveryRecord,
  ports: DeliverPorts,
  now: Date,
): Promise<EndpointAnswer> {
  // Checked again at each attempt: a stage that no longer allows the URL (or a record written around the API) must
  // not make the platform call it.
  const refusal = endpointRefusal(webhook.url, ports.settings);
  if (refusal) return { error: `The webhook URL ${refusal}`, latencyMs: 0 };
  const owner = { tenantId: webhook.tenantId, webhookId: webhook.webhookId };
  const secrets = await Promise.all(
    secretsSigningAt(webhook.secret, webhook.previousSecret, now).map((sealed) =>
      ports.opener.open(sealed.ciphertext, owner),
    ),
  );
  const timestamp = Math.floor(now.getTime() / 1000);
  return ports.endpoint.post({
    url: webhook.url,
    body: delivery.body,
    timeoutMs: ports.settings.requestTimeoutMs,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'sagastack-webhooks/1',
      [WEBHOOK_HEADERS.webhookId]: webhook.webhookId,
      [WEBHOOK_HEADERS.deliveryId]: delivery.deliveryId,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: webhookSignatureHeader(secrets, timestamp, delivery.body),
    },
  });
}

async function recordOutcome(
  delivery: DeliveryRecord,
  answer: EndpointAnswer,
  startedAt: Date,
  ports: DeliverPorts,
  random: () => number,
): Promise<DeliveryDecision> {
  const { webhookId, deliveryId } = delivery;
  const attemptNumber = delivery.attempts.length + 1;
  const attempt = {
    attempt: attemptNumber,
    at: startedAt.toISOString(),
    latencyMs: Math.max(0, Math.round(answer.latencyMs)),
    ...(answer.statusCode === undefined ? {} : { statusCode: answer.statusCode }),
    ...(answer.error === undefined ? {} : { error: answer.error.slice(0, 256) }),
  };
  const now = (ports.clock ?? systemClock)().toISOString();
  const delivered = answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;
  const context = { webhookId, deliveryId, attempt: attemptNumber, statusCode: answer.statusCode, error: answer.error };
  if (delivered) {
    await ports.deliveries.recordAttempt(webhookId, deliveryId, { attempt, status: 'SUCCEEDED' }, now);
    metrics.addMetric('WebhookDelivered', MetricUnit.Count, 1);
    logger.info('Webhook delivered', context);
    return { kind: 'done' };
  }
  const delaySeconds = retryDelaySeconds(attemptNumber, ports.settings.retrySchedule, random);
  if (delaySeconds === undefined) {
    await ports.deliveries.recordAttempt(webhookId, deliveryId, { attempt, status: 'FAILED' }, now);
    metrics.addMetric('WebhookDeliveryFailed', MetricUnit.Count, 1);
    logger.warn('Webhook delivery failed for good; to the DLQ', context);
    return {
      kind: 'dead-letter',
      reason: `${attemptNumber} attempts failed; the last: ${answer.statusCode ?? answer.error ?? 'no answer'}`,
    };
  }
  const nextAttemptAt = new Date(Date.parse(now) + delaySeconds * 1000).toISOString();
  await ports.deliveries.recordAttempt(webhookId, deliveryId, { attempt, status: 'RETRYING', nextAttemptAt }, now);
  metrics.addMetric('WebhookDeliveryRetried', MetricUnit.Count, 1);
  logger.info('Webhook delivery failed; retried later', { ...context, delaySeconds, nextAttemptAt });
  return { kind: 'retry', delaySeconds };
}
