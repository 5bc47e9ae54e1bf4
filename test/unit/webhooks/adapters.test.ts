/**
 * The webhooks adapters that speak to AWS, against aws-sdk-client-mock: KMS gets the secret bound to its tenant and
 * webhook (the encryption context) on both sides, and the deliverer's outbound call keeps to its timeout and follows no
 * redirect.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchEndpoint } from '../../../functions/webhooks/adapters/fetch-endpoint.js';
import { kmsSecretOpener, kmsSecretSealer } from '../../../functions/webhooks/adapters/kms-secret-vault.js';

const kms = mockClient(KMSClient);
const KEY = 'arn:aws:kms:us-east-1:000000000000:key/webhooks';
const owner = { tenantId: 't-a', webhookId: 'wh_1' };

beforeEach(() => {
  kms.reset();
  process.env.WEBHOOK_SECRET_KEY_ID = KEY;
});

describe('KMS secret vault', () => {
  it('encrypts with the webhooks key and the tenant and webhook as encryption context, storing base64', async () => {
    // Prepare
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Uint8Array.from([1, 2, 3]) });

    // Act
    const sealed = await kmsSecretSealer(() => new KMSClient({})).seal('whsec_x', owner);

    // Assess
    expect(sealed).toBe('AQID');
    const input = kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(input?.KeyId).toBe(KEY);
    expect(Buffer.from(input?.Plaintext ?? []).toString('utf8')).toBe('whsec_x');
    expect(input?.EncryptionContext).toEqual({ tenantId: 't-a', webhookId: 'wh_1' });
  });

  it('decrypts naming the key and the same encryption context', async () => {
    // Prepare
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('whsec_x') });

    // Act
    const secret = await kmsSecretOpener(() => new KMSClient({})).open('AQID', owner);

    // Assess
    expect(secret).toBe('whsec_x');
    const input = kms.commandCalls(DecryptCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ KeyId: KEY, EncryptionContext: { tenantId: 't-a', webhookId: 'wh_1' } });
    expect([...(input?.CiphertextBlob ?? [])]).toEqual([1, 2, 3]);
  });

  it('lets KMS refuse another webhook’s context: the error reaches the caller', async () => {
    // Prepare
    kms
      .on(DecryptCommand)
      .rejects(Object.assign(new Error('InvalidCiphertextException'), { name: 'InvalidCiphertextException' }));

    // Act
    const opening = kmsSecretOpener(() => new KMSClient({})).open('AQID', { ...owner, webhookId: 'wh_2' });

    // Assess
    await expect(opening).rejects.toThrow('InvalidCiphertextException');
  });
});

describe('fetch endpoint', () => {
  let server: Server;
  let base: string;
  const answers: Record<string, (response: import('node:http').ServerResponse) => void> = {
    '/ok': (response) => response.writeHead(204).end(),
    '/redirect': (response) => response.writeHead(302, { Location: '/ok' }).end(),
    '/slow': () => {
      // Never answers: the caller's timeout must end the call.
    },
  };

  beforeEach(async () => {
    server = createServer((request, response) => answers[request.url ?? '']?.(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (path: string, timeoutMs = 2000) =>
    fetchEndpoint().post({ url: `${base}${path}`, headers: {}, body: '{}', timeoutMs });

  it('answers the status code', async () => {
    // Act
    const answer = await post('/ok');

    // Assess
    expect(answer.statusCode).toBe(204);
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    // Act
    const answer = await post('/redirect');

    // Assess
    expect(answer.statusCode).toBe(302);
  });

  it('gives up at the timeout and says so', async () => {
    // Act
    const answer = await post('/slow', 200);

    // Assess
    expect(answer).toMatchObject({ error: 'no answer within 200 ms' });
    expect(answer.statusCode).toBeUndefined();
  });
});
