import { EncryptCommand } from '@aws-sdk/client-kms';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/api/register-webhook.js';
import { WebhookRegistered } from '../../../../../shared/contracts/webhooks-api.js';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/lambda.js';
import { ADMIN, auditRecords, dynamo, ENV, kms, MEMBER, prepareStubs, tables } from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
  });
});

beforeEach(() => {
  Object.assign(process.env, ENV);
  prepareStubs();
});

const register = (
  caller = ADMIN,
  body: unknown = { url: 'https://hooks.example.com/x', events: ['OrderPlaced.v1'] },
  key = 'key-00000001',
) => handler(apiEvent({ caller, method: 'POST', body, headers: { 'Idempotency-Key': key } }), lambdaContext);

describe('POST /webhooks', () => {
  it('answers 201 with the secret once, uncacheable, and stores only its KMS ciphertext', async () => {
    // Act
    const response = await register();

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers?.['Cache-Control']).toBe('no-store');
    const registered = WebhookRegistered.parse(bodyOf(response));
    expect(registered.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [encrypt] = kms.commandCalls(EncryptCommand);
    expect(encrypt?.args[0].input).toMatchObject({
      KeyId: ENV.WEBHOOK_SECRET_KEY_ID,
      EncryptionContext: { tenantId: 'tenant-a', webhookId: registered.webhookId },
    });
    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input.ConditionExpression).toBe('attribute_not_exists(webhookId)');
    expect(JSON.stringify([...(tables.get('webhooks-table')?.values() ?? [])])).not.toContain(registered.secret);
    expect(auditRecords()).toEqual([
      expect.objectContaining({ source: 'sagastack.webhooks', action: 'webhook.register', outcome: 'SUCCEEDED' }),
    ]);
  });

  it('answers 409 to a repeat of the key, without a secret', async () => {
    // Prepare
    await register();

    // Act
    const repeat = await register();

    // Assess
    expect(repeat.statusCode).toBe(409);
    expect(bodyOf(repeat).error.code).toBe('WEBHOOK_ALREADY_REGISTERED');
    expect(JSON.stringify(bodyOf(repeat))).not.toContain('whsec_');
  });

  it.each([
    ['without an Idempotency-Key', { url: 'https://hooks.example.com/x', events: ['OrderPlaced.v1'] }, ''],
    [
      'for an event nobody publishes',
      { url: 'https://hooks.example.com/x', events: ['CheckoutFailed.v1'] },
      'key-00000001',
    ],
    [
      'for a URL that is not HTTPS nor loopback',
      { url: 'http://hooks.example.com/x', events: ['OrderPlaced.v1'] },
      'key-00000001',
    ],
  ])('answers 400 %s, and seals nothing', async (_case, body, key) => {
    // Act
    const response = await register(ADMIN, body, key);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(kms.commandCalls(EncryptCommand)).toEqual([]);
  });

  it('answers 403 to a member and audits the refusal', async () => {
    // Act
    const response = await register(MEMBER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(auditRecords()).toEqual([expect.objectContaining({ action: 'webhook.register', outcome: 'DENIED' })]);
    expect(kms.commandCalls(EncryptCommand)).toEqual([]);
  });
});
