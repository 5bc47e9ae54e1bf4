import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHECKOUT_ID_PATTERN, checkoutIdFor } from '../../../../../functions/checkout/domain/checkout-id.js';
import { handler } from '../../../../../functions/checkout/handlers/api/start-checkout.js';
import { CheckoutSagaInput } from '../../../../../shared/contracts/checkout-saga.js';
import { metrics } from '../../../../../shared/powertools/index.js';
import {
  ADA_OTHER_TENANT,
  apiEvent,
  BOB,
  bodyOf,
  cartItem,
  executionArnOf,
  lambdaContext,
  START_BODY,
  STATE_MACHINE_ARN,
} from '../../checkouts-harness.js';
import { fakeKms as kms, PERSONAL_DATA_KEY_ARN, resetFakeKms } from '../../personal-data-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    CARTS_TABLE_NAME: 'carts-table',
    CHECKOUTS_TABLE_NAME: 'checkouts-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    CHECKOUT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:checkout-saga',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

function startRequest(options: { body?: unknown; headers?: Record<string, string>; caller?: typeof BOB } = {}) {
  return apiEvent({
    method: 'POST',
    body: options.body ?? START_BODY,
    headers: options.headers ?? { 'Idempotency-Key': 'key-0001-abcdef' },
    ...(options.caller ? { caller: options.caller } : {}),
  });
}

async function start(options: Parameters<typeof startRequest>[0] = {}): Promise<APIGatewayProxyResult> {
  return handler(startRequest(options), lambdaContext);
}

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  resetFakeKms();
  dynamo.on(GetCommand, { TableName: 'carts-table' }).resolves({ Item: cartItem() });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: executionArnOf(input.name),
    startDate: new Date(),
  }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('POST /checkouts', () => {
  it('records the checkout with its payment details, starts its saga with ids only and answers 202', async () => {
    // Prepare
    const addMetric = vi.spyOn(metrics, 'addMetric');

    // Act
    const response = await start();

    // Assess
    expect(response.statusCode).toBe(202);
    const body = bodyOf(response);
    expect(body).toEqual({ checkoutId: expect.stringMatching(CHECKOUT_ID_PATTERN), status: 'RUNNING' });
    expect(response.headers?.Location).toBe(`/checkouts/${body.checkoutId}`);

    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toMatchObject({
      TableName: 'checkouts-table',
      ConditionExpression: 'attribute_not_exists(checkoutId)',
      Item: {
        checkoutId: body.checkoutId,
        customerId: 'user-ada',
        tenantId: 'tenant-a',
        cartId: 'cart-ada',
        paymentToken: START_BODY.paymentToken,
        taxLocation: { country: 'US', region: 'CA' },
        personalData: expect.any(String),
        status: 'RUNNING',
      },
    });
    // The postal code is sealed with the rest of the address (ADR 0040).
    expect(put?.args[0].input.Item).not.toHaveProperty('shippingAddress');
    expect(JSON.stringify(put?.args[0].input.Item)).not.toContain(START_BODY.shippingAddress.postalCode);
    const [generate] = kms.commandCalls(GenerateDataKeyCommand);
    expect(generate?.args[0].input).toMatchObject({
      KeyId: PERSONAL_DATA_KEY_ARN,
      EncryptionContext: expect.objectContaining({ tenantId: 'tenant-a', checkoutId: body.checkoutId }),
    });

    const [startExecution] = sfn.commandCalls(StartExecutionCommand);
    const startInput = startExecution?.args[0].input;
    expect(startInput?.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(startInput?.name).toBe(body.checkoutId);
    // Exactly the ids: the execution's history shows its input to whoever may read the saga (ADR 0029).
    const sagaInput = JSON.parse(startInput?.input ?? '{}');
    expect(sagaInput).toEqual({
      checkoutId: body.checkoutId,
      correlationId: 'corr-test-0001',
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      cartId: START_BODY.cartId,
      requestedAt: expect.any(String),
    });
    expect(CheckoutSagaInput.safeParse(sagaInput).success).toBe(true);

    const [update] = dynamo.commandCalls(UpdateCommand);
    expect(update?.args[0].input).toMatchObject({
      Key: { checkoutId: body.checkoutId },
      ExpressionAttributeValues: { ':executionArn': executionArnOf(body.checkoutId) },
    });
    expect(addMetric).toHaveBeenCalledWith('CheckoutStarted', 'Count', 1);
  });

  it('passes the discount code on to the saga', async () => {
    // Act
    const response = await start({ body: { ...START_BODY, discountCode: 'WELCOME10' } });

    // Assess
    expect(response.statusCode).toBe(202);
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input.discountCode).toBe('WELCOME10');
  });

  it('reads the cart consistently, so an item added just before is seen', async () => {
    // Act
    await start();

    // Assess
    const [get] = dynamo.commandCalls(GetCommand, { TableName: 'carts-table' });
    expect(get?.args[0].input).toMatchObject({ Key: { cartId: 'cart-ada' }, ConsistentRead: true });
  });

  it('requires an Idempotency-Key header', async () => {
    // Act
    const response = await start({ headers: {} });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'headers.Idempotency-Key', message: 'required' }],
    });
    expect(dynamo.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('refuses a body that does not match the schema, naming the field', async () => {
    // Act
    const response = await start({
      body: { ...START_BODY, shippingAddress: { ...START_BODY.shippingAddress, country: 'usa' } },
    });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.details).toEqual([expect.objectContaining({ path: 'shippingAddress.country' })]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['an e-mail address that is not one', { contact: { email: 'not-an-address' } }, 'contact.email'],
    [
      'a phone number not in E.164 form',
      { contact: { email: 'ada@example.test', phone: '0415 555' } },
      'contact.phone',
    ],
    ['an unknown contact field', { contact: { email: 'ada@example.test', fax: '+1415' } }, 'contact'],
    [
      'a blank recipient',
      { shippingAddress: { ...START_BODY.shippingAddress, recipient: '  ' } },
      'shippingAddress.recipient',
    ],
    [
      'four address lines',
      { shippingAddress: { ...START_BODY.shippingAddress, lines: ['a', 'b', 'c', 'd'] } },
      'shippingAddress.lines',
    ],
  ])('refuses %s with 400 naming the field, before anything is sealed or stored', async (_, change, path) => {
    // Act
    const response = await start({ body: { ...START_BODY, ...change } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.details).toEqual([expect.objectContaining({ path })]);
    expect(kms.calls()).toHaveLength(0);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('accepts a full address and a contact (both optional, so first-version bodies keep working)', async () => {
    // Prepare
    const shippingAddress = {
      ...START_BODY.shippingAddress,
      recipient: 'Ada Lovelace',
      lines: ['12 Analytical Engine Way', 'Floor 2'],
      city: 'San Francisco',
    };

    // Act
    const response = await start({
      body: { ...START_BODY, shippingAddress, contact: { email: 'ada@example.test', phone: '+14155550100' } },
    });

    // Assess
    expect(response.statusCode).toBe(202);
    const stored = JSON.stringify(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item);
    for (const value of ['Ada Lovelace', 'Analytical Engine', 'San Francisco', 'ada@example.test', '+14155550100']) {
      expect(stored).not.toContain(value);
    }
  });

  it.each([
    ['another customer', BOB],
    ['the same customer id in another tenant', ADA_OTHER_TENANT],
  ])('answers 404 for a cart of %s, so its existence does not leak', async (_case, caller) => {
    // Act
    const response = await start({ caller });

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toMatchObject({ code: 'NOT_FOUND', message: 'Cart cart-ada was not found' });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 404 for a cart that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'carts-table' }).resolves({});

    // Act
    const response = await start();

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it.each([
    ['no items', {}],
    ['only zero quantities', { 'SKU-KEYBOARD': { quantity: 0 } }],
  ])('answers 422 INVALID_CART for a cart with %s', async (_case, items) => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'carts-table' }).resolves({ Item: cartItem({ items }) });

    // Act
    const response = await start();

    // Assess
    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).error).toMatchObject({ code: 'INVALID_CART', message: 'Cart cart-ada is empty' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 503 when the saga cannot be started, so the client retries', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await start();

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('1');
    expect(bodyOf(response).error.code).toBe('SERVICE_UNAVAILABLE');
    expect(bodyOf(response).error.message).not.toContain('Rate exceeded');
  });

  it('still answers 202 when only storing the execution ARN fails: the saga runs and must not be started twice', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(new Error('throttled'));

    // Act
    const response = await start();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  describe('a retry of a request that failed half-way (same Idempotency-Key)', () => {
    const CHECKOUT_ID = checkoutIdFor('user-ada:key-0001-abcdef');
    const FIRST_ATTEMPT_AT = '2026-01-01T00:00:00.000Z';
    const stored = (fields: Record<string, unknown> = {}) => ({
      checkoutId: CHECKOUT_ID,
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      cartId: 'cart-ada',
      status: 'RUNNING',
      createdAt: FIRST_ATTEMPT_AT,
      updatedAt: FIRST_ATTEMPT_AT,
      ...fields,
    });
    const alreadyStored = (fields: Record<string, unknown> = {}) => {
      dynamo
        .on(PutCommand, { TableName: 'checkouts-table' })
        .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
      dynamo.on(GetCommand, { TableName: 'checkouts-table' }).resolves({ Item: stored(fields) });
    };

    it('resumes the checkout its first attempt recorded: same id, the saga started with the first attempt’s time', async () => {
      // Prepare
      alreadyStored();

      // Act
      const response = await start();

      // Assess
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response).checkoutId).toBe(CHECKOUT_ID);
      const [startExecution] = sfn.commandCalls(StartExecutionCommand);
      expect(startExecution?.args[0].input.name).toBe(CHECKOUT_ID);
      expect(JSON.parse(startExecution?.args[0].input.input ?? '{}').requestedAt).toBe(FIRST_ATTEMPT_AT);
    });

    it('answers a checkout whose saga already started without starting another', async () => {
      // Prepare
      alreadyStored({ executionArn: executionArnOf(CHECKOUT_ID), status: 'COMPLETED' });

      // Act
      const response = await start();

      // Assess
      expect(response.statusCode).toBe(202);
      expect(bodyOf(response)).toEqual({ checkoutId: CHECKOUT_ID, status: 'COMPLETED' });
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    });

    it('takes ExecutionAlreadyExists as the saga started by the first attempt, and stores its ARN', async () => {
      // Prepare
      alreadyStored();
      sfn
        .on(StartExecutionCommand)
        .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

      // Act
      const response = await start();

      // Assess
      expect(response.statusCode).toBe(202);
      const [update] = dynamo.commandCalls(UpdateCommand);
      expect(update?.args[0].input.ExpressionAttributeValues).toMatchObject({
        ':executionArn': executionArnOf(CHECKOUT_ID),
      });
    });

    it('answers 409 CHECKOUT_EXISTS when the key was used before for another cart', async () => {
      // Prepare
      alreadyStored({ cartId: 'cart-from-last-month' });

      // Act
      const response = await start();

      // Assess
      expect(response.statusCode).toBe(409);
      expect(bodyOf(response).error.code).toBe('CHECKOUT_EXISTS');
      expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    });
  });
});
