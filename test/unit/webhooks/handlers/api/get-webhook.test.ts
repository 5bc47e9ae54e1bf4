import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/api/get-webhook.js';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/lambda.js';
import { ADMIN, ENV, OTHER_TENANT_ADMIN, prepareStubs, storeWebhook, WEBHOOK_ID } from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
});

beforeEach(() => {
  Object.assign(process.env, ENV);
  prepareStubs();
  storeWebhook();
});

const get = (caller: typeof ADMIN) =>
  handler(apiEvent({ caller, pathParameters: { webhookId: WEBHOOK_ID } }), lambdaContext);

describe('GET /webhooks/{webhookId}', () => {
  it('shows the webhook to a tenant-admin of its tenant, without its sealed secret', async () => {
    // Act
    const response = await get(ADMIN);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ webhookId: WEBHOOK_ID, events: ['OrderPlaced.v1'] });
    expect(response.body).not.toContain('ciphertext');
  });

  it('answers 404 to another tenant', async () => {
    // Act
    const response = await get(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
  });
});
