/**
 * The receivers' verifier (shared/webhooks/verify-signature.ts), over generated secrets, bodies and clocks: what
 * sagastack signs verifies, and a changed byte, another secret or a timestamp outside the window never does.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  verifyWebhookSignature,
  WebhookSignatureError,
  type WebhookSignatureFailure,
  webhookSignature,
  webhookSignatureHeader,
} from '../../../shared/webhooks/verify-signature.js';

const secret = fc.string({ minLength: 1, maxLength: 64 });
const body = fc.string({ maxLength: 512 });
const nowMs = fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 });
const tolerance = fc.integer({ min: 0, max: 3600 });

function headersFor(secrets: readonly string[], timestamp: number, rawBody: string) {
  return {
    'Sagastack-Webhook-Id': 'wh_1',
    'Sagastack-Delivery-Id': 'dlv_1',
    'Sagastack-Timestamp': String(timestamp),
    'Sagastack-Signature': webhookSignatureHeader(secrets, timestamp, rawBody),
  };
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

describe('verifyWebhookSignature', () => {
  test.prop([secret, body, nowMs, tolerance, fc.integer({ min: -3600, max: 3600 })])(
    'accepts what was signed with the secret within the window, whatever the clock skew inside it',
    (key, rawBody, now, window, skew) => {
      // Prepare
      fc.pre(Math.abs(skew) <= window);
      const timestamp = Math.floor(now / 1000) + skew;
      const headers = headersFor([key], timestamp, rawBody);

      // Act
      const verified = verifyWebhookSignature(key, headers, rawBody, window, { now: () => now });

      // Assess
      expect(verified).toEqual({ webhookId: 'wh_1', deliveryId: 'dlv_1', timestamp });
    },
  );

  test.prop([secret, secret, body, nowMs])(
    'during a rotation, a receiver holding either secret accepts the two-signature header',
    (current, previous, rawBody, now) => {
      // Prepare
      const timestamp = Math.floor(now / 1000);
      const headers = headersFor([current, previous], timestamp, rawBody);

      // Act
      const withNew = failureOf(() => verifyWebhookSignature(current, headers, rawBody, 300, { now: () => now }));
      const withOld = failureOf(() => verifyWebhookSignature(previous, headers, rawBody, 300, { now: () => now }));

      // Assess
      expect([withNew, withOld]).toEqual([undefined, undefined]);
    },
  );

  test.prop([secret, secret, body, nowMs])(
    'refuses a signature made with another secret',
    (key, other, rawBody, now) => {
      // Prepare
      fc.pre(key !== other);
      const timestamp = Math.floor(now / 1000);
      const headers = headersFor([other], timestamp, rawBody);

      // Act
      const failure = failureOf(() => verifyWebhookSignature(key, headers, rawBody, 300, { now: () => now }));

      // Assess
      expect(failure).toBe('NO_MATCHING_SIGNATURE');
    },
  );

  test.prop([secret, body, fc.string({ minLength: 1, maxLength: 8 }), nowMs])(
    'refuses a body that differs from the signed one',
    (key, rawBody, extra, now) => {
      // Prepare
      const timestamp = Math.floor(now / 1000);
      const headers = headersFor([key], timestamp, rawBody);

      // Act
      const failure = failureOf(() =>
        verifyWebhookSignature(key, headers, `${rawBody}${extra}`, 300, { now: () => now }),
      );

      // Assess
      expect(failure).toBe('NO_MATCHING_SIGNATURE');
    },
  );

  test.prop([secret, body, nowMs, tolerance, fc.integer({ min: 1, max: 100_000 })])(
    'refuses a timestamp outside the window (a replay), even with a valid signature',
    (key, rawBody, now, window, beyond) => {
      // Prepare
      const timestamp = Math.floor(now / 1000) - window - beyond;
      const headers = headersFor([key], timestamp, rawBody);

      // Act
      const failure = failureOf(() => verifyWebhookSignature(key, headers, rawBody, window, { now: () => now }));

      // Assess
      expect(failure).toBe('STALE_TIMESTAMP');
    },
  );

  test.prop([secret, body, nowMs])('refuses a re-signed timestamp: the signature covers it', (key, rawBody, now) => {
    // Prepare
    const signedAt = Math.floor(now / 1000) - 1000;
    const headers = { ...headersFor([key], signedAt, rawBody), 'Sagastack-Timestamp': String(signedAt + 999) };

    // Act
    const failure = failureOf(() => verifyWebhookSignature(key, headers, rawBody, 300, { now: () => now }));

    // Assess
    expect(failure).toBe('NO_MATCHING_SIGNATURE');
  });

  it('reads headers in any casing, from a Fetch Headers object too, and ignores unknown schemes', () => {
    // Prepare
    const now = 1_700_000_000_000;
    const timestamp = now / 1000;
    const rawBody = '{"type":"OrderPlaced.v1"}';
    const signature = `v0=deadbeef, v1=${webhookSignature('whsec_k', timestamp, rawBody)}`;
    const lower = { 'sagastack-timestamp': String(timestamp), 'sagastack-signature': signature };
    const fetchHeaders = new Headers({ 'Sagastack-Timestamp': String(timestamp), 'Sagastack-Signature': signature });

    // Act
    const fromRecord = verifyWebhookSignature('whsec_k', lower, rawBody, 60, { now: () => now });
    const fromHeaders = verifyWebhookSignature('whsec_k', fetchHeaders, Buffer.from(rawBody), 60, { now: () => now });

    // Assess
    expect(fromRecord.timestamp).toBe(timestamp);
    expect(fromHeaders.timestamp).toBe(timestamp);
  });

  it.each([
    [{}, 'MISSING_HEADER'],
    [{ 'Sagastack-Timestamp': 'yesterday', 'Sagastack-Signature': `v1=${'a'.repeat(64)}` }, 'MALFORMED_HEADER'],
    [{ 'Sagastack-Timestamp': '1700000000', 'Sagastack-Signature': 'v1=short' }, 'MALFORMED_HEADER'],
  ] as const)('refuses headers %o with %s', (headers, reason) => {
    // Act
    const failure = failureOf(() =>
      verifyWebhookSignature('whsec_k', headers, '{}', 300, { now: () => 1_700_000_000_000 }),
    );

    // Assess
    expect(failure).toBe(reason);
  });

  it('sends the signatures in the documented form: v1=<64 hex>, comma and space between them', () => {
    // Act
    const header = webhookSignatureHeader(['new', 'old'], 1_700_000_000, '{}');

    // Assess
    expect(header).toMatch(/^v1=[0-9a-f]{64}, v1=[0-9a-f]{64}$/);
    // A known answer a receiver in another language can test against, from
    // `echo -n '1700000000.{}' | openssl dgst -sha256 -hmac new`.
    expect(header.split(', ')[0]).toBe('v1=29810abc729e7b7322b3ce2c7456a99bca762870c031aa43455fd67b43aab3c0');
  });
});
