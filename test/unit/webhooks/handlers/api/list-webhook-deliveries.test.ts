import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/api/list-webhook-deliveries.js';
import { DeliveryList } from '../../../../../shared/contracts/webhooks-api.js';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/lambda.js';
import {
  ADMIN,
  dynamo,
  ENV,
  OTHER_TENANT_ADMIN,
  prepareStubs,
  storeDelivery,
  storeWebhook,
  WEBHOOK_ID,
} from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
});

beforeEach(() => {
  Object.assign(process.env, ENV);
  prepareStubs();
  storeWebhook();
  storeDelivery({
    status: 'RETRYING',
    attempts: [{ attempt: 1, at: '2026-12-01T00:00:01.000Z', latencyMs: 12, statusCode: 503 }],
    nextAttemptAt: '2026-12-01T00:00:20.000Z',
  });
});

const list = (caller: typeof ADMIN) =>
  handler(apiEvent({ caller, pathParameters: { webhookId: WEBHOOK_ID } }), lambdaContext);

describe('GET /webhooks/{webhookId}/deliveries', () => {
  it('shows each delivery with its attempts (status code, latency, time), newest first, without the body', async () => {
    // Act
    const response = await list(ADMIN);

    // Assess
    expect(response.statusCode).toBe(200);
    const { deliveries } = DeliveryList.parse(bodyOf(response));
    expect(deliveries).toEqual([
      expect.objectContaining({
        status: 'RETRYING',
        nextAttemptAt: '2026-12-01T00:00:20.000Z',
        attempts: [{ attempt: 1, at: '2026-12-01T00:00:01.000Z', latencyMs: 12, statusCode: 503 }],
      }),
    ]);
    expect(bodyOf(response).deliveries[0].body).toBeUndefined();
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({ ScanIndexForward: false, Limit: 100 });
  });

  it('answers 404 to another tenant, reading no delivery', async () => {
    // Act
    const response = await list(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(QueryCommand)).toEqual([]);
  });
});
