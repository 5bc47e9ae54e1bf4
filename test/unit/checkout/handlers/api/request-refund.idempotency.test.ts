import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Idempotency stays enabled here: Powertools' own DynamoDB client hits the `DynamoDBClient` mock.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as requestRefund } from '../../../../../functions/checkout/handlers/api/request-refund.js';
import {
  apiEvent,
  bodyOf,
  type Caller,
  CUSTOMER,
  lambdaContext,
  PRICING,
  SUPPORT,
  TABLES,
  useTestTables,
} from '../../commerce-harness.js';

const idempotencyStore = mockClient(DynamoDBClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

const order = {
  orderId: 'ord_chk_0001',
  checkoutId: 'chk_0001',
  customerId: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  status: 'PLACED',
  lines: PRICING.lines,
  totals: PRICING.totals,
  paymentId: 'pay_chk_0001',
  refundedCents: 0,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const payment = {
  paymentId: 'pay_chk_0001',
  checkoutId: 'chk_0001',
  customerId: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  amountCents: 10_000,
  refundedCents: 0,
  status: 'CAPTURED',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const refundEvent = (body: unknown, caller: Caller = SUPPORT, key = 'refund-key-0001') =>
  apiEvent({ caller, pathParameters: { orderId: 'ord_chk_0001' }, body, headers: { 'Idempotency-Key': key } });

function idempotencyRecordOf(call: number) {
  const put = idempotencyStore.commandCalls(PutItemCommand)[call]?.args[0].input;
  return { id: put?.Item?.id?.S, validation: put?.Item?.validation?.S };
}

beforeEach(() => {
  idempotencyStore.reset();
  dynamo.reset();
  eventBridge.reset();
  useTestTables();
  idempotencyStore.on(PutItemCommand).resolves({});
  idempotencyStore.on(UpdateItemCommand).resolves({});
  idempotencyStore.on(DeleteItemCommand).resolves({});
  dynamo.on(GetCommand, { TableName: TABLES.ORDERS_TABLE_NAME }).resolves({ Item: order });
  dynamo
    .on(GetCommand, { TableName: TABLES.PAYMENTS_TABLE_NAME })
    .callsFake((input) => (input.Key.sk === 'PAYMENT' ? { Item: payment } : {}));
  dynamo.on(TransactWriteCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
});

describe('POST /orders/{orderId}/refunds idempotency', () => {
  it('keys the request on the caller and the Idempotency-Key, and validates the body', async () => {
    // Act
    await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);
    await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);
    await requestRefund(refundEvent({ amountCents: 100 }, { ...SUPPORT, sub: 'agent-other' }), lambdaContext);
    await requestRefund(refundEvent({ amountCents: 200 }), lambdaContext);

    // Assess
    const [first, repeat, otherCaller, otherBody] = [0, 1, 2, 3].map(idempotencyRecordOf);
    expect(first?.id).toEqual(expect.any(String));
    expect(first?.id).toBe(repeat?.id);
    expect(otherCaller?.id).not.toBe(first?.id);
    expect(otherBody?.id).toBe(first?.id);
    expect(first?.validation).toEqual(expect.any(String));
    expect(otherBody?.validation).not.toBe(first?.validation);
    expect(idempotencyStore.commandCalls(PutItemCommand)[0]?.args[0].input.TableName).toBe(
      TABLES.IDEMPOTENCY_TABLE_NAME,
    );
  });

  it('answers a repeat with the stored result without refunding again', async () => {
    // Prepare: a first request stores its result
    const first = await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);
    const stored = idempotencyRecordOf(0);
    const responseData =
      idempotencyStore.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':response_data'];
    idempotencyStore.on(PutItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'exists',
        $metadata: {},
        Item: {
          id: { S: stored.id as string },
          status: { S: 'COMPLETED' },
          expiration: { N: String(Math.floor(Date.now() / 1000) + 3600) },
          data: responseData as NonNullable<typeof responseData>,
          validation: { S: stored.validation as string },
        },
      }),
    );
    dynamo.resetHistory();
    eventBridge.resetHistory();

    // Act
    const repeat = await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);
    const conflicting = await requestRefund(refundEvent({ amountCents: 999 }), lambdaContext);

    // Assess
    expect(first.statusCode).toBe(201);
    expect(repeat.statusCode).toBe(201);
    expect(bodyOf(repeat)).toEqual(bodyOf(first));
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
    expect(conflicting.statusCode).toBe(409);
    expect(bodyOf(conflicting).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('forgets a failed request so that a retry runs again', async () => {
    // Prepare
    dynamo.on(TransactWriteCommand).rejectsOnce(new Error('network down')).resolves({});

    // Act
    const failed = await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);
    const retried = await requestRefund(refundEvent({ amountCents: 100 }), lambdaContext);

    // Assess
    expect(failed.statusCode).toBe(500);
    expect(idempotencyStore.commandCalls(DeleteItemCommand)).toHaveLength(1);
    expect(retried.statusCode).toBe(201);
  });
});
