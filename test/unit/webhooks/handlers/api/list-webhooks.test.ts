import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/api/list-webhooks.js';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/lambda.js';
import { ADMIN, ENV, MEMBER, OTHER_TENANT_ADMIN, prepareStubs, storeWebhook, WEBHOOK_ID } from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
});

beforeEach(() => {
  Object.assign(process.env, ENV);
  prepareStubs();
  storeWebhook();
});

describe('GET /webhooks', () => {
  it("lists the caller's tenant's webhooks without any secret", async () => {
    // Act
    const response = await handler(apiEvent({ caller: ADMIN }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).webhooks).toEqual([
      {
        webhookId: WEBHOOK_ID,
        url: 'http://127.0.0.1:9/hook',
        events: ['OrderPlaced.v1'],
        createdAt: '2026-12-01T00:00:00.000Z',
        secretCreatedAt: '2026-12-01T00:00:00.000Z',
      },
    ]);
  });

  it("shows another tenant's admin nothing, and a member 403", async () => {
    // Act
    const foreign = await handler(apiEvent({ caller: OTHER_TENANT_ADMIN }), lambdaContext);
    const member = await handler(apiEvent({ caller: MEMBER }), lambdaContext);

    // Assess
    expect(bodyOf(foreign).webhooks).toEqual([]);
    expect(member.statusCode).toBe(403);
  });
});
