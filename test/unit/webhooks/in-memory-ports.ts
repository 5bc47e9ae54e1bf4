/** In-memory ports of the webhooks context, for its use cases' tests: they keep what they are given, nothing more. */

import type { AuditEntry, AuditTrail } from '../../../functions/webhooks/ports/audit.js';
import type { Deliveries, DeliveryRecord } from '../../../functions/webhooks/ports/deliveries.js';
import type { DeliveryQueue } from '../../../functions/webhooks/ports/delivery-queue.js';
import type { Endpoint, EndpointAnswer, OutboundRequest } from '../../../functions/webhooks/ports/endpoint.js';
import type { EndpointSlots, SlotLease } from '../../../functions/webhooks/ports/endpoint-slots.js';
import type { OrderTenants } from '../../../functions/webhooks/ports/order-tenants.js';
import type { SecretOpener, SecretOwner, SecretSealer } from '../../../functions/webhooks/ports/secret-vault.js';
import type { DeliverySettings } from '../../../functions/webhooks/ports/settings.js';
import type { WebhookRecord, Webhooks } from '../../../functions/webhooks/ports/webhooks.js';
import type { DeliveryMessage } from '../../../shared/contracts/webhooks-api.js';

export function inMemoryWebhooks(): Webhooks & { readonly items: Map<string, WebhookRecord> } {
  const items = new Map<string, WebhookRecord>();
  return {
    items,
    async create(record) {
      const existing = items.get(record.webhookId);
      if (existing) return { created: false, webhook: existing };
      items.set(record.webhookId, record);
      return { created: true, webhook: record };
    },
    async get(webhookId) {
      return items.get(webhookId);
    },
    async listByTenant(tenantId) {
      return [...items.values()].filter((webhook) => webhook.tenantId === tenantId);
    },
    async rotate(webhookId, rotation, expectedCiphertext) {
      const webhook = items.get(webhookId);
      if (!webhook || webhook.secret.ciphertext !== expectedCiphertext) return false;
      items.set(webhookId, { ...webhook, ...rotation });
      return true;
    },
    async delete(webhookId) {
      items.delete(webhookId);
    },
  };
}

export function inMemoryDeliveries(): Deliveries & { readonly items: Map<string, DeliveryRecord> } {
  const items = new Map<string, DeliveryRecord>();
  const key = (webhookId: string, deliveryId: string) => `${webhookId}/${deliveryId}`;
  const update = (webhookId: string, deliveryId: string, change: (record: DeliveryRecord) => DeliveryRecord) => {
    const record = items.get(key(webhookId, deliveryId));
    if (!record) throw new Error(`No delivery ${deliveryId}`);
    items.set(key(webhookId, deliveryId), change(record));
  };
  return {
    items,
    async create(record) {
      if (items.has(key(record.webhookId, record.deliveryId))) return false;
      items.set(key(record.webhookId, record.deliveryId), record);
      return true;
    },
    async get(webhookId, deliveryId) {
      return items.get(key(webhookId, deliveryId));
    },
    async list(webhookId, limit) {
      return [...items.values()]
        .filter((record) => record.webhookId === webhookId)
        .sort((a, b) => b.deliveryId.localeCompare(a.deliveryId))
        .slice(0, limit);
    },
    async recordAttempt(webhookId, deliveryId, outcome, at) {
      update(webhookId, deliveryId, ({ nextAttemptAt: _, ...record }) => ({
        ...record,
        attempts: [...record.attempts, outcome.attempt],
        status: outcome.status,
        updatedAt: at,
        ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
      }));
    },
    async setStatus(webhookId, deliveryId, status, at) {
      update(webhookId, deliveryId, (record) => ({ ...record, status, updatedAt: at }));
    },
  };
}

/**
 * A vault that "seals" by reversible encoding bound to its owner, so a test can tell a stored ciphertext from the
 * secret, and an opening with another owner fails as KMS's encryption context check would.
 */
export function fakeVault(): SecretSealer & SecretOpener {
  const bind = (owner: SecretOwner) => `${owner.tenantId}/${owner.webhookId}`;
  return {
    async seal(secret, owner) {
      return Buffer.from(JSON.stringify({ owner: bind(owner), secret })).toString('base64');
    },
    async open(ciphertext, owner) {
      const sealed = JSON.parse(Buffer.from(ciphertext, 'base64').toString('utf8'));
      if (sealed.owner !== bind(owner)) throw new Error('InvalidCiphertextException: encryption context mismatch');
      return sealed.secret;
    },
  };
}

export function recordingQueue(): DeliveryQueue & { readonly messages: DeliveryMessage[] } {
  const messages: DeliveryMessage[] = [];
  return {
    messages,
    async enqueue(message) {
      messages.push(message);
    },
  };
}

export function recordingAudit(): AuditTrail & { readonly entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return {
    entries,
    async record(entry) {
      entries.push(entry);
    },
  };
}

/** An endpoint that answers each call with the next of `answers` (the last one repeats), and keeps the requests. */
export function scriptedEndpoint(...answers: EndpointAnswer[]): Endpoint & { readonly requests: OutboundRequest[] } {
  const requests: OutboundRequest[] = [];
  return {
    requests,
    async post(request) {
      requests.push(request);
      return answers[Math.min(requests.length - 1, answers.length - 1)] ?? { statusCode: 200, latencyMs: 1 };
    },
  };
}

/** `capacity` slots per webhook, and what is held now. */
export function countingSlots(): EndpointSlots & { readonly held: Map<string, Set<number>> } {
  const held = new Map<string, Set<number>>();
  return {
    held,
    async acquire(webhookId, holder, slots): Promise<SlotLease | undefined> {
      const taken = held.get(webhookId) ?? new Set<number>();
      held.set(webhookId, taken);
      for (let slot = 0; slot < slots; slot++) {
        if (!taken.has(slot)) {
          taken.add(slot);
          return { webhookId, slot, holder };
        }
      }
      return undefined;
    },
    async release(lease) {
      held.get(lease.webhookId)?.delete(lease.slot);
    },
  };
}

export function inMemoryOrderTenants(): OrderTenants {
  const tenants = new Map<string, string>();
  return {
    async remember(orderId, tenantId) {
      tenants.set(orderId, tenantId);
    },
    async tenantOf(orderId) {
      return tenants.get(orderId);
    },
  };
}

export const TEST_SETTINGS: DeliverySettings = {
  allowLoopbackHttp: false,
  retrySchedule: { maxAttempts: 3, firstRetrySeconds: 60, backoffRate: 2, maxDelaySeconds: 600 },
  requestTimeoutMs: 5000,
  endpointConcurrency: 2,
  busyEndpointRetrySeconds: 4,
  secretOverlapSeconds: 3600,
};
