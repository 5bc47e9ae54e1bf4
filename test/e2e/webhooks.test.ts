/**
 * Outbound webhooks end to end: a receiver on 127.0.0.1 (node:http, in this test) registered through the API gets
 * signed deliveries of its tenant's events, which verify with the secret it was given; it answers 500 once and gets
 * the delivery again; a webhook of another tenant gets nothing. Plain HTTP to loopback is what the local stage allows
 * (lib/config/stages.ts), and its retry schedule brings the retry within seconds.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  verifyWebhookSignature,
  WebhookSignatureError,
  type WebhookSignatureFailure,
} from '../../shared/webhooks/verify-signature.js';
import {
  auditTrailWhen,
  createProject,
  deprovisionLeftovers,
  provisioned,
  tenantTeam,
} from './support/provisioning.js';
import { type Caller, call, eventually, tableItems } from './support/target.js';

interface ReceivedDelivery {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
}

/** A webhook receiver on loopback: it keeps what it receives and answers with the next status of its script. */
class Receiver {
  readonly received: ReceivedDelivery[] = [];
  private readonly server: Server;
  private readonly script: number[];

  constructor(...script: number[]) {
    this.script = script;
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.received.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(this.script.shift() ?? 200).end();
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function registerWebhook(admin: Caller, url: string, events: string[]) {
  const response = await call('POST', 'webhooks', {
    caller: admin,
    headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    body: { url, events },
  });
  if (response.status !== 201) throw new Error(`Could not register a webhook: ${response.status} ${response.text}`);
  return response.body as { webhookId: string; secret: string };
}

function failureOf(verify: () => unknown): WebhookSignatureFailure | undefined {
  try {
    verify();
    return undefined;
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error.reason;
    throw error;
  }
}

// The receiver listens on loopback over plain HTTP, which only the local stage accepts (and only a local target's
// functions can reach): against LocalStack or AWS this suite needs a public HTTPS receiver instead.
describe('outbound webhooks', () => {
  const a = tenantTeam();
  const b = tenantTeam();
  // A's receiver fails the first delivery with a 500, then accepts everything.
  const receiverA = new Receiver(500);
  const receiverB = new Receiver();
  let webhookA: { webhookId: string; secret: string };
  let webhookB: { webhookId: string; secret: string };
  let resourceId: string;

  beforeAll(async () => {
    webhookA = await registerWebhook(a.admin, await receiverA.start(), ['ResourceProvisioned.v1']);
    webhookB = await registerWebhook(b.admin, await receiverB.start(), ['ResourceProvisioned.v1', 'OrderPlaced.v1']);
    const projectId = await createProject(a.admin);
    const { resource } = await provisioned(a.member, projectId, { flavor: 'vm.small', region: 'eu-west-1' });
    resourceId = resource.resourceId;
  });

  afterAll(async () => {
    await Promise.all([receiverA.stop(), receiverB.stop()]);
    await deprovisionLeftovers();
  });

  it('delivers a signed event that verifies with the secret, and again after the receiver answered 500', async () => {
    // Act
    await eventually(
      async () => receiverA.received.length,
      (count) => count >= 2,
      { what: 'the delivery and its retry', timeoutMs: 60_000 },
    );
    const log = await eventually(
      () => call('GET', `webhooks/${webhookA.webhookId}/deliveries`, { caller: a.admin }),
      (response) => response.body?.deliveries?.[0]?.status === 'SUCCEEDED',
      { what: 'the delivery log to show the success' },
    );

    // Assess
    const [first, retry] = receiverA.received;
    for (const delivery of [first, retry]) {
      const verified = verifyWebhookSignature(webhookA.secret, delivery?.headers ?? {}, delivery?.rawBody ?? '', 300);
      expect(verified.webhookId).toBe(webhookA.webhookId);
    }
    expect(retry?.headers['sagastack-delivery-id']).toBe(first?.headers['sagastack-delivery-id']);
    expect(retry?.rawBody).toBe(first?.rawBody);
    const payload = JSON.parse(retry?.rawBody ?? '{}');
    expect(payload).toMatchObject({ type: 'ResourceProvisioned.v1', tenantId: a.tenant, data: { resourceId } });
    const [delivery] = log.body.deliveries;
    expect(
      delivery.attempts.map((attempt: { attempt: number; statusCode: number }) => [
        attempt.attempt,
        attempt.statusCode,
      ]),
    ).toEqual([
      [1, 500],
      [2, 200],
    ]);
    for (const attempt of delivery.attempts) expect(attempt.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('gives a webhook of another tenant nothing of this tenant', async () => {
    // Prepare: A's delivery is done, so the fan-out has handled the event.
    await eventually(
      async () => receiverA.received.length,
      (count) => count >= 2,
      { what: "A's deliveries", timeoutMs: 60_000 },
    );

    // Act
    const log = await call('GET', `webhooks/${webhookB.webhookId}/deliveries`, { caller: b.admin });
    const foreign = await call('GET', `webhooks/${webhookA.webhookId}/deliveries`, { caller: b.admin });

    // Assess
    expect(receiverB.received).toEqual([]);
    expect(log).toMatchObject({ status: 200, body: { deliveries: [] } });
    expect(foreign.status).toBe(404);
  });

  it('the verifier refuses a changed body, a wrong secret and a stale timestamp', async () => {
    // Prepare
    const [delivery] = await eventually(
      async () => receiverA.received,
      (received) => received.length > 0,
      { what: 'a delivery', timeoutMs: 60_000 },
    );
    const headers = delivery?.headers ?? {};
    const rawBody = delivery?.rawBody ?? '';
    const signedAtMs = Number(headers['sagastack-timestamp']) * 1000;

    // Act
    const failures = [
      failureOf(() => verifyWebhookSignature(webhookA.secret, headers, `${rawBody} `, 300)),
      failureOf(() => verifyWebhookSignature(webhookB.secret, headers, rawBody, 300)),
      failureOf(() =>
        verifyWebhookSignature(webhookA.secret, headers, rawBody, 300, { now: () => signedAtMs + 301_000 }),
      ),
    ];

    // Assess
    expect(failures).toEqual(['NO_MATCHING_SIGNATURE', 'NO_MATCHING_SIGNATURE', 'STALE_TIMESTAMP']);
  });

  it('after a rotation, a redelivery carries two signatures, one per secret, and the same event', async () => {
    // Prepare
    const log = await call('GET', `webhooks/${webhookA.webhookId}/deliveries`, { caller: a.admin });
    const original = log.body.deliveries[0];
    const rotated = await call('POST', `webhooks/${webhookA.webhookId}/secret`, {
      caller: a.admin,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    });
    expect(rotated.status).toBe(201);
    const before = receiverA.received.length;

    // Act
    const accepted = await call('POST', `webhooks/${webhookA.webhookId}/deliveries/${original.deliveryId}/redeliver`, {
      caller: a.admin,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    });
    const received = await eventually(
      async () => receiverA.received,
      (all) => all.length > before,
      { what: 'the redelivery', timeoutMs: 60_000 },
    );

    // Assess
    expect(accepted).toMatchObject({ status: 202, body: { redeliveryOf: original.deliveryId, status: 'PENDING' } });
    const redelivery = received[before];
    expect(redelivery?.headers['sagastack-delivery-id']).toBe(accepted.body.deliveryId);
    expect(String(redelivery?.headers['sagastack-signature'])).toMatch(/^v1=[0-9a-f]{64}, v1=[0-9a-f]{64}$/);
    for (const secret of [rotated.body.secret, webhookA.secret]) {
      expect(() =>
        verifyWebhookSignature(secret, redelivery?.headers ?? {}, redelivery?.rawBody ?? '', 300),
      ).not.toThrow();
    }
    expect(JSON.parse(redelivery?.rawBody ?? '{}').eventId).toBe(original.eventId);
  });

  it('audits registration, rotation and deletion, never shows the secret again, and stores it sealed', async () => {
    // Prepare
    const receiver = new Receiver();
    const { webhookId, secret } = await registerWebhook(a.admin, await receiver.start(), ['OrderPlaced.v1']);
    await receiver.stop();
    await call('POST', `webhooks/${webhookId}/secret`, {
      caller: a.admin,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    });

    // Act
    const shown = await call('GET', `webhooks/${webhookId}`, { caller: a.admin });
    const deleted = await call('DELETE', `webhooks/${webhookId}`, { caller: a.admin });
    const srn = `srn:sagastack::${a.tenant}:${webhookId}:webhook/${webhookId}`;
    const trail = await auditTrailWhen(a.admin, srn, (records) => records.length >= 3);

    // Assess
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain(secret);
    expect(deleted).toMatchObject({ status: 200, body: { webhookId, deleted: true } });
    expect(trail.map((record) => `${record.action}:${record.outcome}`).sort()).toEqual([
      'webhook.delete:SUCCEEDED',
      'webhook.register:SUCCEEDED',
      'webhook.rotate-secret:SUCCEEDED',
    ]);
    expect(JSON.stringify(trail)).not.toContain(secret);
    const stored = JSON.stringify(await tableItems('WebhooksTableName'));
    for (const issued of [secret, webhookA.secret]) expect(stored).not.toContain(issued.slice('whsec_'.length));
  });
});
