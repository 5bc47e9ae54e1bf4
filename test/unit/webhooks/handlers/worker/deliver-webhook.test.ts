import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeMessageVisibilityCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/worker/deliver-webhook.js';
import { verifyWebhookSignature } from '../../../../../shared/webhooks/verify-signature.js';
import { lambdaContext } from '../../../support/lambda.js';
import { sqsEvent } from '../../../support/sqs.js';
import { dynamo, ENV, prepareStubs, SECRET, sqs, storeDelivery, storeWebhook, WEBHOOK_ID } from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
});

/** The receiver: answers each request with the next status of `script`, and keeps what it got. */
let server: Server;
let received: Array<{ headers: IncomingHttpHeaders; body: string }>;
let script: number[];

beforeEach(async () => {
  Object.assign(process.env, ENV);
  prepareStubs();
  received = [];
  script = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(script.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  storeWebhook({}, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('the deliverer', () => {
  it('POSTs the signed body and acknowledges the message when the receiver answers 2xx', async () => {
    // Prepare
    const delivery = storeDelivery();

    // Act
    const result = await handler(sqsEvent({ webhookId: WEBHOOK_ID, deliveryId: delivery.deliveryId }), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [request] = received;
    expect(request?.body).toBe(delivery.body);
    expect(verifyWebhookSignature(SECRET, request?.headers ?? {}, request?.body ?? '', 60)).toMatchObject({
      webhookId: WEBHOOK_ID,
      deliveryId: delivery.deliveryId,
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toEqual([]);
  });

  it('puts the message aside for the backoff after a 5xx and reports it failed, so SQS brings it back', async () => {
    // Prepare
    script = [500];
    const delivery = storeDelivery();

    // Act
    const result = await handler(sqsEvent({ webhookId: WEBHOOK_ID, deliveryId: delivery.deliveryId }), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    const [change] = sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input);
    expect(change?.QueueUrl).toBe(ENV.WEBHOOK_DELIVERY_QUEUE_URL);
    expect(change?.ReceiptHandle).toBe('receipt-1');
    // The first retry of the stage's schedule: 10 s, half of it jittered.
    expect(change?.VisibilityTimeout).toBeGreaterThanOrEqual(5);
    expect(change?.VisibilityTimeout).toBeLessThanOrEqual(10);
    expect(received).toHaveLength(1);
  });

  it('sends the message to the DLQ with the reason after the last attempt, and acknowledges it', async () => {
    // Prepare: two attempts failed already; the schedule allows three.
    script = [502];
    const failed = { at: '2026-12-01T00:00:01.000Z', latencyMs: 5, statusCode: 503 };
    const delivery = storeDelivery({
      status: 'RETRYING',
      attempts: [
        { attempt: 1, ...failed },
        { attempt: 2, ...failed },
      ],
    });

    // Act
    const result = await handler(sqsEvent({ webhookId: WEBHOOK_ID, deliveryId: delivery.deliveryId }), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [deadLettered] = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(deadLettered?.QueueUrl).toBe(ENV.DEAD_LETTER_QUEUE_URL);
    expect(deadLettered?.MessageAttributes?.FailureCode?.StringValue).toBe('WEBHOOK_DELIVERY_FAILED');
    expect(deadLettered?.MessageAttributes?.FailureReason?.StringValue).toBe('3 attempts failed; the last: 502');
    const logged = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input.ExpressionAttributeValues);
    expect(logged).toEqual([expect.objectContaining({ ':status': 'FAILED' })]);
  });

  it('dead-letters a message that is not a delivery, without calling anyone', async () => {
    // Act
    const result = await handler(sqsEvent({ unexpected: true }), lambdaContext);

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(ENV.DEAD_LETTER_QUEUE_URL);
    expect(received).toEqual([]);
  });
});
