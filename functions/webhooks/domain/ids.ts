/**
 * Ids of webhooks and deliveries, and signing secrets. Pure: no AWS imports.
 */
import { createHash, randomBytes } from 'node:crypto';

/** A webhook's id derives from who registered it and their Idempotency-Key, so a repeat finds the same webhook. */
export function webhookIdFor(tenantId: string, sub: string, idempotencyKey: string): string {
  return `wh_${digest(`${tenantId}\n${sub}\n${idempotencyKey}`).slice(0, 24)}`;
}

/**
 * A delivery's id: the event's time first (base 36, fixed width), so the log sorts newest first by its key, then a
 * part that derives from the event and the webhook, so the fan-out repeating itself writes the same delivery again.
 */
export function deliveryIdFor(occurredAt: Date, eventId: string, webhookId: string): string {
  return `dlv_${timePart(occurredAt)}_${digest(`${eventId}\n${webhookId}`).slice(0, 16)}`;
}

/** A manual redelivery's id: a new delivery of the same event, from the redeliver request's key. */
export function redeliveryIdFor(requestedAt: Date, deliveryId: string, idempotencyKey: string): string {
  return `dlv_${timePart(requestedAt)}_${digest(`${deliveryId}\n${idempotencyKey}`).slice(0, 16)}`;
}

/** 32 random bytes: `whsec_` and their base64url. The HMAC key is this whole string's UTF-8 bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const timePart = (at: Date): string => Math.max(0, at.getTime()).toString(36).padStart(9, '0');
const digest = (text: string): string => createHash('sha256').update(text).digest('hex');
