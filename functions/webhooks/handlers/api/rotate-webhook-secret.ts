/**
 * POST /webhooks/{webhookId}/secret (tenant-admin): a new signing secret, once; the previous one signs beside it for
 * the overlap. Not `apiCommand`, for the reason register-webhook.ts gives.
 */
import { WebhookPath } from '../../../../shared/contracts/webhooks-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { secretIssuingPorts } from '../../adapters/secret-issuing-ports.js';
import { rotateSecret } from '../../use-cases/rotate-secret.js';

export const handler = apiHandler(
  { path: WebhookPath, requireIdempotencyKey: true },
  async ({ path, principal, idempotencyKey, correlationId }) => {
    const { settings, ...ports } = secretIssuingPorts();
    const rotated = await rotateSecret(
      { webhookId: path.webhookId, principal, idempotencyKey: idempotencyKey as string, correlationId },
      { ...ports, secretOverlapSeconds: settings.secretOverlapSeconds },
    );
    return { statusCode: 201, headers: { 'Cache-Control': 'no-store' }, body: rotated };
  },
);
