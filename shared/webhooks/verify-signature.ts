/**
 * How a sagastack webhook delivery is signed, and how a receiver verifies it. Receivers import this module
 * (`sagastack/webhooks`, the package's `exports`): it depends on `node:crypto` alone, so it can be copied as is into a
 * receiver that does not install the package. docs/webhooks.md documents the scheme.
 *
 * - `Sagastack-Timestamp` is the signing time in Unix seconds.
 * - `Sagastack-Signature` holds one `v1=<hex>` entry per signing secret, separated by `, `: one entry, or two during a
 *   rotation's overlap (the new secret's first). Each is the hex HMAC-SHA256, keyed with the secret's UTF-8 bytes, of
 *   `<timestamp>.<raw body>`.
 * - A receiver accepts a delivery when any `v1` entry matches any of its secrets (compared in constant time) and the
 *   timestamp lies within `toleranceSeconds` of its clock, which refuses a replay of an old delivery.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  webhookId: 'Sagastack-Webhook-Id',
  deliveryId: 'Sagastack-Delivery-Id',
  timestamp: 'Sagastack-Timestamp',
  signature: 'Sagastack-Signature',
} as const;

/** The only scheme so far; a future `v2` would be sent beside it, and receivers ignore schemes they do not know. */
const SCHEME = 'v1';
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/** Headers as Node's `IncomingMessage`, the Fetch API's `Headers`, or a plain record (any casing) hold them. */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export type WebhookSignatureFailure =
  | 'MISSING_HEADER'
  | 'MALFORMED_HEADER'
  | 'STALE_TIMESTAMP'
  | 'NO_MATCHING_SIGNATURE';

/** The delivery was not signed by sagastack with the receiver's secret, or not recently: refuse it (answer 400). */
export class WebhookSignatureError extends Error {
  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** What a verified delivery's headers say, for the receiver's own deduplication and logs. */
export interface VerifiedWebhook {
  readonly webhookId: string | undefined;
  readonly deliveryId: string | undefined;
  /** The signing time, Unix seconds. */
  readonly timestamp: number;
}

export interface VerifyOptions {
  /** The receiver's clock in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** The hex HMAC-SHA256 of `<timestamp>.<rawBody>` under `secret`: one `v1` signature. */
export function webhookSignature(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${timestamp}.`)
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .digest('hex');
}

/** The `Sagastack-Signature` value for `secrets` (the current one first): `v1=<hex>, v1=<hex>`. */
export function webhookSignatureHeader(
  secrets: readonly string[],
  timestamp: number,
  rawBody: string | Uint8Array,
): string {
  return secrets.map((secret) => `${SCHEME}=${webhookSignature(secret, timestamp, rawBody)}`).join(', ');
}

/**
 * Verifies a delivery: the raw body exactly as received (before any JSON parse), the headers, and the receiver's
 * secret (or its secrets, while the receiver itself rolls one over). Throws `WebhookSignatureError` unless one `v1`
 * signature matches and the timestamp is within `toleranceSeconds` either side of now.
 *
 * @example
 * const delivery = verifyWebhookSignature(process.env.WEBHOOK_SECRET, request.headers, rawBody, 300);
 */
export function verifyWebhookSignature(
  secret: string | readonly string[],
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  toleranceSeconds: number,
  options: VerifyOptions = {},
): VerifiedWebhook {
  const secrets = typeof secret === 'string' ? [secret] : [...secret];
  if (secrets.length === 0 || secrets.some((candidate) => candidate.length === 0)) {
    throw new TypeError('verifyWebhookSignature needs a non-empty secret');
  }
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new TypeError('toleranceSeconds must be a finite number of seconds, 0 or more');
  }
  const rawTimestamp = headerOf(headers, WEBHOOK_HEADERS.timestamp);
  const rawSignature = headerOf(headers, WEBHOOK_HEADERS.signature);
  if (rawTimestamp === undefined || rawSignature === undefined) {
    throw new WebhookSignatureError(
      'MISSING_HEADER',
      `${WEBHOOK_HEADERS.timestamp} and ${WEBHOOK_HEADERS.signature} are required`,
    );
  }
  if (!UNIX_SECONDS.test(rawTimestamp.trim())) {
    throw new WebhookSignatureError('MALFORMED_HEADER', `${WEBHOOK_HEADERS.timestamp} is not Unix seconds`);
  }
  const timestamp = Number(rawTimestamp.trim());
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    throw new WebhookSignatureError(
      'STALE_TIMESTAMP',
      `The delivery was signed ${nowSeconds - timestamp} s from now, outside the ${toleranceSeconds} s window`,
    );
  }
  const offered = signaturesOf(rawSignature);
  if (offered.length === 0) {
    throw new WebhookSignatureError('MALFORMED_HEADER', `${WEBHOOK_HEADERS.signature} holds no v1 signature`);
  }
  // Every candidate is compared, matching or not, so the time taken tells nothing about which one came close.
  let matched = false;
  for (const candidate of secrets) {
    const expected = Buffer.from(webhookSignature(candidate, timestamp, rawBody), 'hex');
    for (const signature of offered) {
      if (timingSafeEqual(expected, signature)) matched = true;
    }
  }
  if (!matched) {
    throw new WebhookSignatureError('NO_MATCHING_SIGNATURE', 'No v1 signature matches the secret');
  }
  return {
    webhookId: headerOf(headers, WEBHOOK_HEADERS.webhookId),
    deliveryId: headerOf(headers, WEBHOOK_HEADERS.deliveryId),
    timestamp,
  };
}

/** The `v1` signatures of the header, as bytes; entries are separated by commas and/or spaces, others are ignored. */
function signaturesOf(header: string): Buffer[] {
  return header
    .split(/[\s,]+/)
    .map((entry) => entry.split('='))
    .filter(
      (parts): parts is [string, string] =>
        parts.length === 2 && parts[0] === SCHEME && HEX_SHA256.test(parts[1] ?? ''),
    )
    .map(([, hex]) => Buffer.from(hex, 'hex'));
}

/** A header's value by its case-insensitive name; a repeated header is read as its values joined with `, `. */
function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}
