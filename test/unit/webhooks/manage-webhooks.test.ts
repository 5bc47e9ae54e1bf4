/** Registering, reading, rotating and deleting webhooks, with in-memory ports. */
import { describe, expect, it } from 'vitest';
import { deleteWebhook, getWebhook, listWebhooks } from '../../../functions/webhooks/use-cases/manage-webhooks.js';
import { registerWebhook } from '../../../functions/webhooks/use-cases/register-webhook.js';
import { rotateSecret } from '../../../functions/webhooks/use-cases/rotate-secret.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../shared/errors.js';
import { fakeVault, inMemoryWebhooks, recordingAudit } from './in-memory-ports.js';

const admin = { sub: 'alice', tenant: 't-a', roles: ['tenant-admin'] };
const member = { sub: 'bob', tenant: 't-a', roles: ['member'] };
const otherAdmin = { sub: 'mallory', tenant: 't-b', roles: ['tenant-admin'] };
const NOW = new Date('2026-12-01T10:00:00.000Z');
const body = { url: 'https://hooks.example.com/sagastack', events: ['OrderPlaced.v1' as const] };

function context() {
  let secrets = 0;
  return {
    webhooks: inMemoryWebhooks(),
    sealer: fakeVault(),
    audit: recordingAudit(),
    endpointPolicy: { allowLoopbackHttp: false },
    clock: () => NOW,
    newSecret: () => `whsec_test_${++secrets}`,
  };
}

const register = (ports: ReturnType<typeof context>, principal = admin, idempotencyKey = 'key-00000001') =>
  registerWebhook({ body, principal, idempotencyKey, correlationId: 'corr-1' }, ports);

describe('registerWebhook', () => {
  it('answers the secret once and stores only its sealed form, bound to the tenant and webhook', async () => {
    // Prepare
    const ports = context();

    // Act
    const registered = await register(ports);

    // Assess
    expect(registered).toMatchObject({ url: body.url, events: ['OrderPlaced.v1'], secret: 'whsec_test_1' });
    const stored = ports.webhooks.items.get(registered.webhookId);
    expect(JSON.stringify(stored)).not.toContain('whsec_test_1'.slice(6));
    const owner = { tenantId: 't-a', webhookId: registered.webhookId };
    expect(await ports.sealer.open(stored?.secret.ciphertext ?? '', owner)).toBe('whsec_test_1');
    await expect(ports.sealer.open(stored?.secret.ciphertext ?? '', { ...owner, tenantId: 't-b' })).rejects.toThrow();
    expect(ports.audit.entries).toEqual([
      expect.objectContaining({ action: 'webhook.register', outcome: 'SUCCEEDED', tenantId: 't-a' }),
    ]);
  });

  it('refuses a repeat of the same Idempotency-Key with 409 instead of showing the secret again', async () => {
    // Prepare
    const ports = context();
    const first = await register(ports);

    // Act
    const repeat = register(ports);

    // Assess
    await expect(repeat).rejects.toBeInstanceOf(ConflictError);
    await expect(repeat).rejects.toMatchObject({
      code: 'WEBHOOK_ALREADY_REGISTERED',
      details: { webhookId: first.webhookId },
    });
    expect(ports.webhooks.items.size).toBe(1);
  });

  it.each([
    ['http://hooks.example.com/x', 'must use https'],
    ['http://127.0.0.1:8080/x', 'must use https'],
    ['https://169.254.169.254/latest/meta-data', 'must not point at a loopback, private or link-local address'],
    ['https://user:pw@hooks.example.com/', 'must not carry credentials'],
  ])('refuses %s where the stage allows no loopback HTTP (%s)', async (url, reason) => {
    // Prepare
    const ports = context();

    // Act
    const attempt = registerWebhook(
      { body: { ...body, url }, principal: admin, idempotencyKey: 'key-00000001', correlationId: 'c' },
      ports,
    );

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ details: [{ path: 'url', message: reason }] });
    expect(ports.webhooks.items.size).toBe(0);
  });

  it('accepts plain HTTP to loopback where the stage allows it', async () => {
    // Prepare
    const ports = { ...context(), endpointPolicy: { allowLoopbackHttp: true } };

    // Act
    const registered = await registerWebhook(
      {
        body: { ...body, url: 'http://127.0.0.1:9999/hook' },
        principal: admin,
        idempotencyKey: 'key-00000001',
        correlationId: 'c',
      },
      ports,
    );

    // Assess
    expect(registered.url).toBe('http://127.0.0.1:9999/hook');
  });

  it('refuses a member with 403 and records the DENIED attempt', async () => {
    // Prepare
    const ports = context();

    // Act
    const attempt = register(ports, member);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    expect(ports.audit.entries).toEqual([
      expect.objectContaining({
        action: 'webhook.register',
        outcome: 'DENIED',
        actor: expect.objectContaining({ sub: 'bob' }),
      }),
    ]);
    expect(ports.webhooks.items.size).toBe(0);
  });
});

describe('reading and deleting', () => {
  it("shows a tenant its own webhooks without secrets, and another tenant's as 404", async () => {
    // Prepare
    const ports = context();
    const { webhookId } = await register(ports);

    // Act
    const listed = await listWebhooks(admin, ports);
    const foreignList = await listWebhooks(otherAdmin, ports);
    const foreignGet = getWebhook(webhookId, otherAdmin, ports);

    // Assess
    expect(listed.webhooks.map((webhook) => webhook.webhookId)).toEqual([webhookId]);
    expect(JSON.stringify(listed)).not.toMatch(/secret"|ciphertext/);
    expect(foreignList.webhooks).toEqual([]);
    await expect(foreignGet).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes for a tenant-admin of the tenant, audited; another tenant gets 404 and deletes nothing', async () => {
    // Prepare
    const ports = context();
    const { webhookId } = await register(ports);

    // Act
    const foreign = deleteWebhook({ webhookId, principal: otherAdmin, correlationId: 'c' }, ports);
    await expect(foreign).rejects.toBeInstanceOf(NotFoundError);
    const deleted = await deleteWebhook({ webhookId, principal: admin, correlationId: 'c' }, ports);

    // Assess
    expect(deleted).toEqual({ webhookId, deleted: true });
    expect(ports.webhooks.items.size).toBe(0);
    expect(ports.audit.entries.map((entry) => `${entry.action}:${entry.outcome}`)).toEqual([
      'webhook.register:SUCCEEDED',
      'webhook.delete:SUCCEEDED',
    ]);
  });
});

describe('rotateSecret', () => {
  const rotate = (ports: ReturnType<typeof context>, webhookId: string, idempotencyKey = 'rotate-0001') =>
    rotateSecret(
      { webhookId, principal: admin, idempotencyKey, correlationId: 'c' },
      { ...ports, secretOverlapSeconds: 3600 },
    );

  it('answers the new secret once, keeps the previous one signing for the overlap, and audits it', async () => {
    // Prepare
    const ports = context();
    const { webhookId } = await register(ports);

    // Act
    const rotated = await rotate(ports, webhookId);

    // Assess
    expect(rotated).toEqual({ webhookId, secret: 'whsec_test_2', previousSecretExpiresAt: '2026-12-01T11:00:00.000Z' });
    const stored = ports.webhooks.items.get(webhookId);
    const owner = { tenantId: 't-a', webhookId };
    expect(await ports.sealer.open(stored?.secret.ciphertext ?? '', owner)).toBe('whsec_test_2');
    expect(await ports.sealer.open(stored?.previousSecret?.ciphertext ?? '', owner)).toBe('whsec_test_1');
    expect(stored?.previousSecret?.expiresAt).toBe('2026-12-01T11:00:00.000Z');
    expect((await getWebhook(webhookId, admin, ports)).previousSecretExpiresAt).toBe('2026-12-01T11:00:00.000Z');
    expect(ports.audit.entries.at(-1)).toMatchObject({ action: 'webhook.rotate-secret', outcome: 'SUCCEEDED' });
  });

  it('keeps at most two secrets: a second rotation drops the oldest', async () => {
    // Prepare
    const ports = context();
    const { webhookId } = await register(ports);
    await rotate(ports, webhookId, 'rotate-0001');

    // Act
    await rotate(ports, webhookId, 'rotate-0002');

    // Assess
    const stored = ports.webhooks.items.get(webhookId);
    const owner = { tenantId: 't-a', webhookId };
    expect(await ports.sealer.open(stored?.secret.ciphertext ?? '', owner)).toBe('whsec_test_3');
    expect(await ports.sealer.open(stored?.previousSecret?.ciphertext ?? '', owner)).toBe('whsec_test_2');
  });

  it('refuses a repeat of the same rotation with 409, leaving the secrets as the first one set them', async () => {
    // Prepare
    const ports = context();
    const { webhookId } = await register(ports);
    await rotate(ports, webhookId);
    const before = ports.webhooks.items.get(webhookId);

    // Act
    const repeat = rotate(ports, webhookId);

    // Assess
    await expect(repeat).rejects.toMatchObject({ code: 'SECRET_ALREADY_ROTATED' });
    expect(ports.webhooks.items.get(webhookId)).toEqual(before);
  });
});
