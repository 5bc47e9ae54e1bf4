/**
 * What the two functions that issue signing secrets (registration, rotation) are built with: the webhooks table, the
 * KMS sealer (encrypt only), the audit publisher, and the stage's settings.
 */
import { dynamoWebhooks } from './dynamo-webhooks.js';
import { eventBridgeAuditTrail } from './event-bridge-audit.js';
import { kmsSecretSealer } from './kms-secret-vault.js';
import { deliverySettingsFromEnv } from './settings-from-env.js';

export function secretIssuingPorts() {
  return {
    webhooks: dynamoWebhooks(),
    sealer: kmsSecretSealer(),
    audit: eventBridgeAuditTrail(),
    settings: deliverySettingsFromEnv(),
  };
}
