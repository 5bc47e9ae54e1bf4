import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/api/redeliver-webhook-delivery.js';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/lambda.js';
import {
  ADMIN,
  ENV,
  OTHER_TENANT_ADMIN,
  prepareStubs,
  sqs,
  storeDelivery,
  storeWebhook,
  tables,
  WEBHOOK_ID,
} from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
});

let original: Record<string, unknown>;

beforeEach(() => {
  Object.assign(process.env, ENV);
  prepareStubs();
  storeWebhook();
  original = storeDelivery({ status: 'FAILED' });
});

const redeliver = (caller: typeof ADMIN) =>
  handler(
    apiEvent({
      caller,
      method: 'POST',
      pathParameters: { webhookId: WEBHOOK_ID, deliveryId: String(original.deliveryId) },
      headers: { 'Idempotency-Key': 'again-00000001' },
    }),
    lambdaContext,
  );

describe('POST /webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', () => {
  it('logs a new delivery with the same body and queues it: 202', async () => {
    // Act
    const response = await redeliver(ADMIN);

    // Assess
    expect(response.statusCode).toBe(202);
    const accepted = bodyOf(response);
    expect(accepted).toMatchObject({ redeliveryOf: original.deliveryId, status: 'PENDING' });
    const copy = [...(tables.get('deliveries-table')?.values() ?? [])].find(
      (item) => item.deliveryId === accepted.deliveryId,
    );
    expect(copy).toMatchObject({ body: original.body, eventId: original.eventId, status: 'PENDING', attempts: [] });
    const [send] = sqs.commandCalls(SendMessageCommand);
    expect(send?.args[0].input).toEqual({
      QueueUrl: ENV.WEBHOOK_DELIVERY_QUEUE_URL,
      MessageBody: JSON.stringify({ webhookId: WEBHOOK_ID, deliveryId: accepted.deliveryId }),
    });
  });

  it('answers 404 to another tenant and queues nothing', async () => {
    // Act
    const response = await redeliver(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
  });
});
