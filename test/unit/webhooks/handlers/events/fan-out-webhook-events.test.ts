import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/events/fan-out-webhook-events.js';
import { lambdaContext } from '../../../support/lambda.js';
import { sqsEvent } from '../../../support/sqs.js';
import { ENV, prepareStubs, sqs, storeWebhook, tables, WEBHOOK_ID } from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
});

beforeEach(() => {
  Object.assign(process.env, ENV);
  prepareStubs();
  storeWebhook();
  storeWebhook({ webhookId: 'wh_other_tenant', tenantId: 'tenant-b' });
});

const orderPlaced = (source = 'sagastack.checkout') => ({
  id: 'evt-0001',
  'detail-type': 'OrderPlaced.v1',
  source,
  time: '2026-12-01T00:00:00Z',
  detail: {
    metadata: { correlationId: 'corr-1', occurredAt: '2026-12-01T00:00:00.000Z' },
    data: {
      orderId: 'ord-1',
      checkoutId: 'chk-1',
      customerId: 'cust-1',
      tenantId: 'tenant-a',
      lines: [],
      totals: { subtotalCents: 100, discountCents: 0, taxCents: 0, totalCents: 100 },
    },
  },
});

describe('fan-out of webhook events', () => {
  it("logs and queues one delivery per subscribed webhook of the event's tenant", async () => {
    // Act
    const result = await handler(sqsEvent(orderPlaced()), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const sends = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(sends).toHaveLength(1);
    expect(sends[0]?.QueueUrl).toBe(ENV.WEBHOOK_DELIVERY_QUEUE_URL);
    const deliveries = [...(tables.get('deliveries-table')?.values() ?? [])];
    expect(deliveries).toEqual([
      expect.objectContaining({ webhookId: WEBHOOK_ID, tenantId: 'tenant-a', status: 'PENDING' }),
    ]);
    expect(JSON.parse(String(deliveries[0]?.body))).toMatchObject({ eventId: 'evt-0001', type: 'OrderPlaced.v1' });
    expect(tables.get('order-tenants-table')?.size).toBe(1);
  });

  it('refuses an OrderPlaced.v1 under a source other than checkout: to the DLQ with the reason, nothing queued', async () => {
    // Act
    const result = await handler(sqsEvent(orderPlaced('sagastack.agents')), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [deadLettered] = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(deadLettered?.QueueUrl).toBe(ENV.DEAD_LETTER_QUEUE_URL);
    expect(deadLettered?.MessageAttributes?.FailureCode?.StringValue).toBe('VALIDATION_FAILED');
    expect(tables.get('deliveries-table')).toBeUndefined();
  });
});
