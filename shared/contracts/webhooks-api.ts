/**
 * Request and response bodies of the webhooks API, the body a receiver gets, and the queue message between the
 * fan-out and the deliverer. `WEBHOOKS_API_ROUTES` describes the routes for `api-routes.ts` and the OpenAPI document.
 */
import * as z from 'zod';
import type { ApiRoute } from './api-route.js';
import { Identifier } from './common.js';

/** The events a webhook may subscribe to, by their EventBridge detail-type (shared/contracts/events/). */
export const WebhookEventType = z.enum(['OrderPlaced.v1', 'RefundIssued.v1', 'ResourceProvisioned.v1']);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export const RegisterWebhookBody = z
  .object({
    url: z
      .string()
      .max(2048)
      .describe('HTTPS endpoint; plain HTTP to loopback only where the stage allows it (the local stage)'),
    events: z
      .array(WebhookEventType)
      .min(1)
      .max(WebhookEventType.options.length)
      .refine((events) => new Set(events).size === events.length, 'each event once'),
  })
  .strict();
export type RegisterWebhookBody = z.infer<typeof RegisterWebhookBody>;

/** A webhook as the API shows it: never its secret. */
export const WebhookView = z.object({
  webhookId: Identifier,
  url: z.string(),
  events: z.array(WebhookEventType),
  createdAt: z.string(),
  secretCreatedAt: z.string(),
  previousSecretExpiresAt: z
    .string()
    .optional()
    .describe('While a rotation overlaps: deliveries carry a second signature, by the previous secret, until then'),
});
export type WebhookView = z.infer<typeof WebhookView>;

const SigningSecret = z
  .string()
  .describe('The signing secret, shown this once: keep it, sagastack cannot show it again (rotate to get a new one)');

export const WebhookRegistered = WebhookView.extend({ secret: SigningSecret });
export type WebhookRegistered = z.infer<typeof WebhookRegistered>;

export const WebhookList = z.object({ webhooks: z.array(WebhookView) });
export type WebhookList = z.infer<typeof WebhookList>;

export const SecretRotated = z.object({
  webhookId: Identifier,
  secret: SigningSecret,
  previousSecretExpiresAt: z.string(),
});
export type SecretRotated = z.infer<typeof SecretRotated>;

export const DeliveryStatus = z.enum(['PENDING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const DeliveryAttempt = z.object({
  attempt: z.int().min(1),
  at: z.string(),
  latencyMs: z.int().min(0),
  statusCode: z.int().optional().describe('Absent when no answer came (timeout, connection refused)'),
  error: z.string().optional(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const DeliveryView = z.object({
  deliveryId: Identifier,
  webhookId: Identifier,
  eventId: z.string(),
  eventType: WebhookEventType,
  status: DeliveryStatus,
  attempts: z.array(DeliveryAttempt),
  nextAttemptAt: z.string().optional(),
  redeliveryOf: Identifier.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

export const DeliveryList = z.object({ deliveries: z.array(DeliveryView).describe('Newest first, at most 100') });
export type DeliveryList = z.infer<typeof DeliveryList>;

export const RedeliveryAccepted = z.object({
  deliveryId: Identifier,
  redeliveryOf: Identifier,
  status: z.literal('PENDING'),
});
export type RedeliveryAccepted = z.infer<typeof RedeliveryAccepted>;

/** What a receiver's endpoint gets as the body: the platform event, as sagastack published it. */
export const WebhookPayload = z.object({
  eventId: z.string().describe('The same across retries and redeliveries: deduplicate on it'),
  type: WebhookEventType,
  occurredAt: z.string(),
  tenantId: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** The fan-out's message to the deliverer: which delivery to attempt (its body waits in the delivery log). */
export const DeliveryMessage = z.object({ webhookId: Identifier, deliveryId: Identifier }).strict();
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;

export const WebhookPath = z.object({ webhookId: Identifier });
export const DeliveryPath = z.object({ webhookId: Identifier, deliveryId: Identifier });

const TENANT_ADMIN = ['tenant-admin'];

/** The webhooks routes, for `apiRoutes` (and so the OpenAPI document and the API construct). */
export const WEBHOOKS_API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    path: '/webhooks',
    handler: 'RegisterWebhook',
    summary: "Register a webhook for the caller's tenant; answers its signing secret, once (tenant-admin)",
    idempotencyKey: true,
    roles: TENANT_ADMIN,
    body: RegisterWebhookBody,
    success: { status: 201, schema: WebhookRegistered },
    errors: [400, 409],
  },
  {
    method: 'GET',
    path: '/webhooks',
    handler: 'ListWebhooks',
    summary: "The tenant's webhooks (tenant-admin)",
    roles: TENANT_ADMIN,
    success: { status: 200, schema: WebhookList },
    errors: [],
  },
  {
    method: 'GET',
    path: '/webhooks/{webhookId}',
    handler: 'GetWebhook',
    summary: 'One webhook, without its secret (tenant-admin)',
    roles: TENANT_ADMIN,
    pathParameters: WebhookPath,
    success: { status: 200, schema: WebhookView },
    errors: [400, 404],
  },
  {
    method: 'DELETE',
    path: '/webhooks/{webhookId}',
    handler: 'DeleteWebhook',
    summary: 'Delete a webhook; deliveries not yet made are cancelled (tenant-admin)',
    roles: TENANT_ADMIN,
    pathParameters: WebhookPath,
    success: { status: 200, schema: z.object({ webhookId: Identifier, deleted: z.literal(true) }) },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/webhooks/{webhookId}/secret',
    handler: 'RotateWebhookSecret',
    summary: 'Rotate the signing secret; the previous one keeps signing for a bounded overlap (tenant-admin)',
    idempotencyKey: true,
    roles: TENANT_ADMIN,
    pathParameters: WebhookPath,
    success: { status: 201, schema: SecretRotated },
    errors: [400, 404, 409],
  },
  {
    method: 'GET',
    path: '/webhooks/{webhookId}/deliveries',
    handler: 'ListWebhookDeliveries',
    summary: 'The delivery log: status code, attempt, latency and time of each attempt (tenant-admin)',
    roles: TENANT_ADMIN,
    pathParameters: WebhookPath,
    success: { status: 200, schema: DeliveryList },
    errors: [400, 404],
  },
  {
    method: 'POST',
    path: '/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
    handler: 'RedeliverWebhookDelivery',
    summary: 'Send a logged delivery again, as a new delivery of the same event (tenant-admin)',
    idempotencyKey: true,
    roles: TENANT_ADMIN,
    pathParameters: DeliveryPath,
    success: { status: 202, schema: RedeliveryAccepted },
    errors: [400, 404, 409],
  },
];
