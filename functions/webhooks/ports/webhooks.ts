/** The webhooks of every tenant, with their secrets sealed by the secret vault (never in clear). */
import type { WebhookEventType } from '../../../shared/contracts/webhooks-api.js';

/** A signing secret as stored: its KMS ciphertext (base64), never the secret itself. */
interface SealedSecret {
  readonly ciphertext: string;
  readonly createdAt: string;
  /** Set on the previous secret during a rotation's overlap: it signs until then. */
  readonly expiresAt?: string;
}

export interface WebhookRecord {
  readonly webhookId: string;
  readonly tenantId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly secret: SealedSecret;
  readonly previousSecret?: SealedSecret;
  /** The Idempotency-Key of the latest rotation, so that its repeat is recognised. */
  readonly rotationKey?: string;
}

interface SecretRotation {
  readonly secret: SealedSecret;
  readonly previousSecret: SealedSecret;
  readonly rotationKey: string;
}

export interface Webhooks {
  /** Writes the webhook unless its id exists; answers the stored one either way. */
  create(record: WebhookRecord): Promise<{ created: boolean; webhook: WebhookRecord }>;
  get(webhookId: string): Promise<WebhookRecord | undefined>;
  listByTenant(tenantId: string): Promise<WebhookRecord[]>;
  /** Replaces the secrets if the current one is still `expectedCiphertext`; `false` when another rotation won. */
  rotate(webhookId: string, rotation: SecretRotation, expectedCiphertext: string): Promise<boolean>;
  delete(webhookId: string): Promise<void>;
}
