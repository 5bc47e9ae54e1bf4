/**
 * POST /webhooks (tenant-admin): registers a webhook; 201 with its secret, once. Not `apiCommand`: its idempotency
 * store would keep the answer, secret included, in clear for a day (docs/adr/0036-webhook-delivery.md). The webhook's
 * id derives from the Idempotency-Key instead, and a repeat is answered 409.
 */
import { RegisterWebhookBody } from '../../../../shared/contracts/webhooks-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { secretIssuingPorts } from '../../adapters/secret-issuing-ports.js';
import { registerWebhook } from '../../use-cases/register-webhook.js';

export const handler = apiHandler(
  { body: RegisterWebhookBody, requireIdempotencyKey: true },
  async ({ body, principal, idempotencyKey, correlationId }) => {
    const { settings, ...ports } = secretIssuingPorts();
    const registered = await registerWebhook(
      { body, principal, idempotencyKey: idempotencyKey as string, correlationId },
      { ...ports, endpointPolicy: settings },
    );
    return {
      statusCode: 201,
      body: registered,
      // The answer holds the secret: no cache on the way may keep it.
      headers: { Location: `/webhooks/${registered.webhookId}`, 'Cache-Control': 'no-store' },
    };
  },
);
