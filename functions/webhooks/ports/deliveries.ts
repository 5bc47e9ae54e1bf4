/** The delivery log: one record per delivery of an event to a webhook, with every attempt. */
import type { DeliveryAttempt, DeliveryStatus, WebhookEventType } from '../../../shared/contracts/webhooks-api.js';

export interface DeliveryRecord {
  readonly webhookId: string;
  readonly deliveryId: string;
  readonly tenantId: string;
  readonly eventId: string;
  readonly eventType: WebhookEventType;
  /** The exact body sent, the same for every attempt and redelivery. */
  readonly body: string;
  readonly status: DeliveryStatus;
  readonly attempts: readonly DeliveryAttempt[];
  readonly nextAttemptAt?: string;
  readonly redeliveryOf?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface AttemptOutcome {
  readonly attempt: DeliveryAttempt;
  readonly status: DeliveryStatus;
  readonly nextAttemptAt?: string;
}

export interface Deliveries {
  /** Writes the delivery unless it exists (a repeated fan-out); answers whether it was new. */
  create(record: DeliveryRecord): Promise<boolean>;
  get(webhookId: string, deliveryId: string): Promise<DeliveryRecord | undefined>;
  /** Newest first. */
  list(webhookId: string, limit: number): Promise<DeliveryRecord[]>;
  /** Appends the attempt and sets the status it led to. */
  recordAttempt(webhookId: string, deliveryId: string, outcome: AttemptOutcome, at: string): Promise<void>;
  setStatus(webhookId: string, deliveryId: string, status: DeliveryStatus, at: string): Promise<void>;
}
