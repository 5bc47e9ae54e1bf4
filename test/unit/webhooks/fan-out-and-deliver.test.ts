/** The fan-out (which webhooks get an event) and the deliverer (signing, retries, DLQ, slots), with in-memory ports. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it, vi } from 'vitest';
import type { DeliverySettings } from '../../../functions/webhooks/ports/settings.js';
import type { WebhookRecord } from '../../../functions/webhooks/ports/webhooks.js';
import { deliver } from '../../../functions/webhooks/use-cases/deliver.js';
import { listDeliveries, redeliver } from '../../../functions/webhooks/use-cases/delivery-log.js';
import { fanOutEvent, type PlatformEvent } from '../../../functions/webhooks/use-cases/fan-out-event.js';
import { verifyWebhookSignature } from '../../../shared/webhooks/verify-signature.js';
import {
  countingSlots,
  fakeVault,
  inMemoryDeliveries,
  inMemoryOrderTenants,
  inMemoryWebhooks,
  recordingQueue,
  scriptedEndpoint,
  TEST_SETTINGS,
} from './in-memory-ports.js';

const NOW = new Date('2026-12-01T10:00:00.000Z');
const vault = fakeVault();

async function webhook(
  webhookId: string,
  tenantId: string,
  events: WebhookRecord['events'],
  secrets: { current: string; previous?: string; previousExpiresAt?: string } = { current: `whsec_${webhookId}` },
): Promise<WebhookRecord> {
  const owner = { tenantId, webhookId };
  return {
    webhookId,
    tenantId,
    url: `https://${webhookId}.example.com/hook`,
    events,
    createdBy: 'alice',
    createdAt: NOW.toISOString(),
    secret: { ciphertext: await vault.seal(secrets.current, owner), createdAt: NOW.toISOString() },
    ...(secrets.previous
      ? {
          previousSecret: {
            ciphertext: await vault.seal(secrets.previous, owner),
            createdAt: NOW.toISOString(),
            expiresAt: secrets.previousExpiresAt ?? '2026-12-02T00:00:00.000Z',
          },
        }
      : {}),
  };
}

function context(settings: DeliverySettings = TEST_SETTINGS) {
  return {
    webhooks: inMemoryWebhooks(),
    deliveries: inMemoryDeliveries(),
    queue: recordingQueue(),
    orderTenants: inMemoryOrderTenants(),
    slots: countingSlots(),
    opener: vault,
    settings,
    clock: () => NOW,
    random: () => 0.5,
  };
}

const orderPlaced = (tenantId: string, orderId = 'ord-1'): PlatformEvent => ({
  eventId: `evt-${orderId}`,
  eventType: 'OrderPlaced.v1',
  occurredAt: '2026-12-01T09:59:00.000Z',
  data: { orderId, tenantId, checkoutId: 'chk-1', customerId: 'cust-1' },
});

describe('fanOutEvent', () => {
  it("queues one delivery per webhook of the event's tenant that subscribed to the event, and no other", async () => {
    // Prepare
    const ports = context();
    for (const record of [
      await webhook('wh-a1', 't-a', ['OrderPlaced.v1']),
      await webhook('wh-a2', 't-a', ['ResourceProvisioned.v1']),
      await webhook('wh-b1', 't-b', ['OrderPlaced.v1']),
    ])
      await ports.webhooks.create(record);

    // Act
    const result = await fanOutEvent(orderPlaced('t-a'), ports);

    // Assess
    expect(result).toEqual({ deliveries: 1 });
    expect(ports.queue.messages.map((message) => message.webhookId)).toEqual(['wh-a1']);
    const [logged] = [...ports.deliveries.items.values()];
    expect(logged).toMatchObject({ webhookId: 'wh-a1', tenantId: 't-a', status: 'PENDING', eventId: 'evt-ord-1' });
    expect(JSON.parse(logged?.body ?? '{}')).toEqual({
      eventId: 'evt-ord-1',
      type: 'OrderPlaced.v1',
      occurredAt: '2026-12-01T09:59:00.000Z',
      tenantId: 't-a',
      data: orderPlaced('t-a').data,
    });
  });

  it('attributes a refund to the tenant of its order, as OrderPlaced.v1 named it', async () => {
    // Prepare
    const ports = context();
    await ports.webhooks.create(await webhook('wh-a1', 't-a', ['RefundIssued.v1']));
    await ports.webhooks.create(await webhook('wh-b1', 't-b', ['RefundIssued.v1']));
    await fanOutEvent(orderPlaced('t-a', 'ord-9'), ports);

    // Act
    const known = await fanOutEvent(
      {
        eventId: 'evt-refund',
        eventType: 'RefundIssued.v1',
        occurredAt: NOW.toISOString(),
        data: { orderId: 'ord-9' },
      },
      ports,
    );
    const unknown = await fanOutEvent(
      {
        eventId: 'evt-refund-2',
        eventType: 'RefundIssued.v1',
        occurredAt: NOW.toISOString(),
        data: { orderId: 'ord-never-seen' },
      },
      ports,
    );

    // Assess
    expect(known).toEqual({ deliveries: 1 });
    expect(unknown).toEqual({ deliveries: 0 });
    expect(ports.queue.messages.map((message) => message.webhookId)).toEqual(['wh-a1']);
  });

  it('writes the same delivery when the same event is fanned out twice', async () => {
    // Prepare
    const ports = context();
    await ports.webhooks.create(await webhook('wh-a1', 't-a', ['OrderPlaced.v1']));

    // Act
    await fanOutEvent(orderPlaced('t-a'), ports);
    await fanOutEvent(orderPlaced('t-a'), ports);

    // Assess
    expect(ports.deliveries.items.size).toBe(1);
    expect(new Set(ports.queue.messages.map((message) => message.deliveryId)).size).toBe(1);
  });
});

async function queuedDelivery(ports: ReturnType<typeof context>, record: WebhookRecord) {
  await ports.webhooks.create(record);
  await fanOutEvent(orderPlaced(record.tenantId), ports);
  const message = ports.queue.messages.at(-1);
  if (!message) throw new Error('nothing queued');
  return message;
}

describe('deliver', () => {
  it('POSTs the logged body with headers that verify with the secret, and logs the attempt', async () => {
    // Prepare
    const ports = context();
    const message = await queuedDelivery(ports, await webhook('wh-a1', 't-a', ['OrderPlaced.v1']));
    const endpoint = scriptedEndpoint({ statusCode: 204, latencyMs: 42 });

    // Act
    const decision = await deliver(message, 'msg-1', { ...ports, endpoint });

    // Assess
    expect(decision).toEqual({ kind: 'done' });
    const [request] = endpoint.requests;
    expect(request?.url).toBe('https://wh-a1.example.com/hook');
    expect(request?.timeoutMs).toBe(TEST_SETTINGS.requestTimeoutMs);
    const verified = verifyWebhookSignature('whsec_wh-a1', request?.headers ?? {}, request?.body ?? '', 300, {
      now: () => NOW.getTime(),
    });
    expect(verified).toEqual({ webhookId: 'wh-a1', deliveryId: message.deliveryId, timestamp: NOW.getTime() / 1000 });
    const logged = await ports.deliveries.get('wh-a1', message.deliveryId);
    expect(logged?.status).toBe('SUCCEEDED');
    expect(logged?.attempts).toEqual([{ attempt: 1, at: NOW.toISOString(), latencyMs: 42, statusCode: 204 }]);
    expect(ports.slots.held.get('wh-a1')?.size).toBe(0);
  });

  it('signs with both secrets during a rotation overlap, and with the current one after it', async () => {
    // Prepare
    const ports = context();
    const secrets = { current: 'whsec_new', previous: 'whsec_old', previousExpiresAt: '2026-12-01T10:30:00.000Z' };
    const message = await queuedDelivery(ports, await webhook('wh-a1', 't-a', ['OrderPlaced.v1'], secrets));
    const during = scriptedEndpoint({ statusCode: 500, latencyMs: 1 });
    const after = scriptedEndpoint({ statusCode: 200, latencyMs: 1 });
    const later = new Date('2026-12-01T11:00:00.000Z');

    // Act
    await deliver(message, 'msg-1', { ...ports, endpoint: during });
    await deliver(message, 'msg-1', { ...ports, endpoint: after, clock: () => later });

    // Assess
    const signatureOf = (endpoint: typeof during) => endpoint.requests[0]?.headers['Sagastack-Signature'] ?? '';
    expect(signatureOf(during)).toMatch(/^v1=[0-9a-f]{64}, v1=[0-9a-f]{64}$/);
    expect(signatureOf(after)).toMatch(/^v1=[0-9a-f]{64}$/);
    const request = during.requests[0];
    for (const secret of ['whsec_new', 'whsec_old']) {
      expect(() =>
        verifyWebhookSignature(secret, request?.headers ?? {}, request?.body ?? '', 60, { now: () => NOW.getTime() }),
      ).not.toThrow();
    }
  });

  it('retries a 5xx after the backoff, logging each attempt, and dead-letters after the last', async () => {
    // Prepare
    const ports = context();
    const message = await queuedDelivery(ports, await webhook('wh-a1', 't-a', ['OrderPlaced.v1']));
    const endpoint = scriptedEndpoint(
      { statusCode: 500, latencyMs: 3 },
      { error: 'no answer within 5000 ms', latencyMs: 5000 },
    );

    // Act
    const decisions = [];
    for (let attempt = 0; attempt < TEST_SETTINGS.retrySchedule.maxAttempts; attempt++) {
      decisions.push(await deliver(message, 'msg-1', { ...ports, endpoint }));
    }

    // Assess: 60 s then 120 s, each half fixed and half jittered (random 0.5 → 75 %).
    expect(decisions).toEqual([
      { kind: 'retry', delaySeconds: 45 },
      { kind: 'retry', delaySeconds: 90 },
      { kind: 'dead-letter', reason: '3 attempts failed; the last: no answer within 5000 ms' },
    ]);
    const logged = await ports.deliveries.get('wh-a1', message.deliveryId);
    expect(logged?.status).toBe('FAILED');
    expect(logged?.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.error])).toEqual([
      [1, 500, undefined],
      [2, undefined, 'no answer within 5000 ms'],
      [3, undefined, 'no answer within 5000 ms'],
    ]);
  });

  it("waits without an attempt while the endpoint's slots are all held, and never calls it", async () => {
    // Prepare
    const ports = context();
    const message = await queuedDelivery(ports, await webhook('wh-a1', 't-a', ['OrderPlaced.v1']));
    await ports.slots.acquire('wh-a1', 'other-1', 2, 10);
    await ports.slots.acquire('wh-a1', 'other-2', 2, 10);
    const endpoint = scriptedEndpoint({ statusCode: 200, latencyMs: 1 });

    // Act
    const decision = await deliver(message, 'msg-1', { ...ports, endpoint });

    // Assess: 4 s busy wait, jittered between half and one and a half of it.
    expect(decision).toEqual({ kind: 'retry', delaySeconds: 4 });
    expect(endpoint.requests).toEqual([]);
    expect((await ports.deliveries.get('wh-a1', message.deliveryId))?.attempts).toEqual([]);
  });

  it("a busy endpoint's slots leave another endpoint's deliveries alone", async () => {
    // Prepare
    const ports = context();
    await queuedDelivery(ports, await webhook('wh-slow', 't-a', ['OrderPlaced.v1']));
    const other = ports.queue.messages.at(-1);
    await ports.webhooks.create(await webhook('wh-fast', 't-b', ['OrderPlaced.v1']));
    await fanOutEvent(orderPlaced('t-b', 'ord-b'), ports);
    const fast = ports.queue.messages.at(-1);
    await ports.slots.acquire('wh-slow', 'stuck-1', 2, 10);
    await ports.slots.acquire('wh-slow', 'stuck-2', 2, 10);
    const endpoint = scriptedEndpoint({ statusCode: 200, latencyMs: 1 });

    // Act
    const slow = await deliver(other ?? { webhookId: '', deliveryId: '' }, 'm-slow', { ...ports, endpoint });
    const quick = await deliver(fast ?? { webhookId: '', deliveryId: '' }, 'm-fast', { ...ports, endpoint });

    // Assess
    expect(slow.kind).toBe('retry');
    expect(quick).toEqual({ kind: 'done' });
    expect(endpoint.requests.map((request) => request.url)).toEqual(['https://wh-fast.example.com/hook']);
  });

  it('cancels the delivery of a deleted webhook, and does nothing for a finished one', async () => {
    // Prepare
    const ports = context();
    const message = await queuedDelivery(ports, await webhook('wh-a1', 't-a', ['OrderPlaced.v1']));
    await ports.webhooks.delete('wh-a1');
    const endpoint = scriptedEndpoint();

    // Act
    const first = await deliver(message, 'msg-1', { ...ports, endpoint });
    const again = await deliver(message, 'msg-1', { ...ports, endpoint });

    // Assess
    expect([first, again]).toEqual([{ kind: 'done' }, { kind: 'done' }]);
    expect((await ports.deliveries.get('wh-a1', message.deliveryId))?.status).toBe('CANCELLED');
    expect(endpoint.requests).toEqual([]);
  });
});

describe('delivery log and redelivery', () => {
  it('lists the attempts, and redelivers the same body as a new delivery', async () => {
    // Prepare
    const ports = context();
    const admin = { sub: 'alice', tenant: 't-a', roles: ['tenant-admin'] };
    const message = await queuedDelivery(ports, await webhook('wh-a1', 't-a', ['OrderPlaced.v1']));
    await deliver(message, 'msg-1', { ...ports, endpoint: scriptedEndpoint({ statusCode: 200, latencyMs: 7 }) });

    // Act
    const accepted = await redeliver(
      { webhookId: 'wh-a1', deliveryId: message.deliveryId, principal: admin, idempotencyKey: 'again-001' },
      ports,
    );
    const log = await listDeliveries('wh-a1', admin, ports);
    const foreign = listDeliveries('wh-a1', { ...admin, tenant: 't-b' }, ports);

    // Assess
    expect(accepted).toMatchObject({ redeliveryOf: message.deliveryId, status: 'PENDING' });
    expect(ports.queue.messages.at(-1)).toEqual({ webhookId: 'wh-a1', deliveryId: accepted.deliveryId });
    const original = await ports.deliveries.get('wh-a1', message.deliveryId);
    const copy = await ports.deliveries.get('wh-a1', accepted.deliveryId);
    expect(copy?.body).toBe(original?.body);
    expect(log.deliveries.map((delivery) => [delivery.deliveryId, delivery.status])).toEqual([
      [accepted.deliveryId, 'PENDING'],
      [message.deliveryId, 'SUCCEEDED'],
    ]);
    expect(log.deliveries[1]?.attempts).toEqual([{ attempt: 1, at: NOW.toISOString(), latencyMs: 7, statusCode: 200 }]);
    await expect(foreign).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('isolation, over generated tenants and subscriptions', () => {
  const tenant = fc.constantFrom('t-a', 't-b', 't-c');
  const eventType = fc.constantFrom(
    'OrderPlaced.v1' as const,
    'RefundIssued.v1' as const,
    'ResourceProvisioned.v1' as const,
  );
  const subscription = fc.record({
    tenantId: tenant,
    events: fc.uniqueArray(eventType, { minLength: 1, maxLength: 3 }),
  });

  test.prop([fc.array(subscription, { maxLength: 8 }), tenant, eventType])(
    "queues a delivery for exactly the webhooks of the event's tenant that subscribed to its type",
    async (subscriptions, eventTenant, type) => {
      // Prepare
      const ports = context();
      for (const [index, { tenantId, events }] of subscriptions.entries()) {
        await ports.webhooks.create(await webhook(`wh-${index}`, tenantId, events));
      }

      // Act
      await fanOutEvent(
        {
          eventId: 'evt-x',
          eventType: type,
          occurredAt: NOW.toISOString(),
          data: { tenantId: eventTenant, orderId: 'o-1' },
        },
        ports,
      );

      // Assess
      const expected = subscriptions
        .map((subscribed, index) => ({ ...subscribed, webhookId: `wh-${index}` }))
        .filter(({ tenantId, events }) => tenantId === eventTenant && events.includes(type))
        .map(({ webhookId }) => webhookId);
      expect(ports.queue.messages.map((message) => message.webhookId)).toEqual(expected);
    },
  );
});

describe('concurrency per endpoint', () => {
  it('calls one endpoint at most `endpointConcurrency` times at once, while another endpoint is called freely', async () => {
    // Prepare: a slow endpoint that answers only when released, and ten deliveries to it, plus one elsewhere.
    const ports = context();
    await ports.webhooks.create(await webhook('wh-slow', 't-a', ['OrderPlaced.v1']));
    await ports.webhooks.create(await webhook('wh-fast', 't-b', ['OrderPlaced.v1']));
    for (let order = 0; order < 10; order++) await fanOutEvent(orderPlaced('t-a', `ord-${order}`), ports);
    await fanOutEvent(orderPlaced('t-b', 'ord-b'), ports);
    let inFlight = 0;
    let mostInFlight = 0;
    const release: Array<() => void> = [];
    const endpoint = {
      post: async (request: { url: string }) => {
        if (request.url.includes('wh-fast')) return { statusCode: 200, latencyMs: 1 };
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise<void>((resolve) => release.push(resolve));
        inFlight--;
        return { statusCode: 200, latencyMs: 5000 };
      },
    };

    // Act
    const attempts = ports.queue.messages.map((message, index) =>
      deliver(message, `msg-${index}`, { ...ports, endpoint }),
    );
    const fast = await attempts.at(-1);
    await vi.waitFor(() => expect(release).toHaveLength(TEST_SETTINGS.endpointConcurrency));
    for (const resolve of release) resolve();
    const decisions = await Promise.all(attempts);

    // Assess
    expect(fast).toEqual({ kind: 'done' });
    expect(mostInFlight).toBe(TEST_SETTINGS.endpointConcurrency);
    const slow = decisions.slice(0, -1);
    expect(slow.filter((decision) => decision.kind === 'done')).toHaveLength(TEST_SETTINGS.endpointConcurrency);
    expect(slow.filter((decision) => decision.kind === 'retry')).toHaveLength(10 - TEST_SETTINGS.endpointConcurrency);
  });
});
