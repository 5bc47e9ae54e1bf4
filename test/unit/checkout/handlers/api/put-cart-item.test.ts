import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { MAX_LINES_PER_CART } from '../../../../../functions/checkout/domain/lines.js';
import { handler as putCartItem } from '../../../../../functions/checkout/handlers/api/put-cart-item.js';
import {
  apiEvent,
  bodyOf,
  CUSTOMER,
  lambdaContext,
  OTHER_CUSTOMER,
  PRODUCTS,
  TABLES,
  useTestTables,
} from '../../commerce-harness.js';
import { adasCart, catalogHolds, conditionFailed, dynamo } from './carts-harness.js';

const putEvent = (options: { sku?: string; body?: unknown; caller?: typeof CUSTOMER; cartId?: string } = {}) =>
  apiEvent({
    caller: options.caller ?? CUSTOMER,
    pathParameters: { cartId: options.cartId ?? 'cart-ada', sku: options.sku ?? 'SKU-MOUSE' },
    body: 'body' in options ? options.body : { quantity: 2 },
  });

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('PUT /carts/{cartId}/items/{sku}', () => {
  it('adds the item to the caller’s cart and answers the cart at current prices', async () => {
    // Prepare
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: adasCart });
    dynamo.on(UpdateCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({
      Attributes: { ...adasCart, items: { ...adasCart.items, 'SKU-MOUSE': { quantity: 2 } }, updatedAt: 'now' },
    });

    // Act
    const response = await putCartItem(putEvent(), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      cartId: 'cart-ada',
      items: [
        { sku: 'SKU-KEYBOARD', quantity: 1, unitPriceCents: 8999, name: 'Mechanical keyboard' },
        { sku: 'SKU-MOUSE', quantity: 2, unitPriceCents: 2999, name: 'Wireless mouse' },
      ],
      subtotalCents: 8999 + 2 * 2999,
      updatedAt: 'now',
    });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toContain('ownerSub = :ownerSub');
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#sku': 'SKU-MOUSE' });
    expect(update?.ExpressionAttributeValues).toMatchObject({
      ':line': { quantity: 2 },
      ':ownerSub': CUSTOMER.sub,
      ':tenantId': CUSTOMER.tenant,
    });
  });

  it('creates the cart for the caller when it does not exist', async () => {
    // Prepare
    catalogHolds(PRODUCTS.mouse);
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({});
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(PutCommand).resolves({});

    // Act
    const response = await putCartItem(putEvent({ cartId: 'cart-new' }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).items).toEqual([
      { sku: 'SKU-MOUSE', quantity: 2, unitPriceCents: 2999, name: 'Wireless mouse' },
    ]);
    const put = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(cartId)');
    expect(put?.Item).toMatchObject({
      cartId: 'cart-new',
      ownerSub: CUSTOMER.sub,
      tenantId: CUSTOMER.tenant,
      items: { 'SKU-MOUSE': { quantity: 2 } },
    });
  });

  it('answers 404 for someone else’s cart and writes nothing', async () => {
    // Prepare
    catalogHolds(PRODUCTS.mouse);
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: adasCart });

    // Act
    const response = await putCartItem(putEvent({ caller: OTHER_CUSTOMER }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'Cart cart-ada was not found',
        details: { resource: 'Cart', id: 'cart-ada' },
        correlationId: 'corr-test-0001',
      },
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 404 when the cart turns out to be someone else’s at write time', async () => {
    // Prepare: missing at read, created by someone else before our write
    catalogHolds(PRODUCTS.mouse);
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({});
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(PutCommand).rejects(conditionFailed());

    // Act
    const response = await putCartItem(putEvent(), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('answers 404 for an unknown SKU', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const response = await putCartItem(putEvent({ sku: 'SKU-NOPE' }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Product SKU-NOPE was not found',
      details: { resource: 'Product', id: 'SKU-NOPE' },
    });
  });

  it('answers 409 INSUFFICIENT_STOCK for more than is available', async () => {
    // Prepare
    catalogHolds(PRODUCTS.monitor);

    // Act
    const response = await putCartItem(putEvent({ sku: 'SKU-MONITOR', body: { quantity: 2 } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      details: { sku: 'SKU-MONITOR', requested: 2, available: 1 },
    });
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('answers 409 CART_FULL when a new SKU would exceed the cart’s size', async () => {
    // Prepare
    catalogHolds(PRODUCTS.mouse);
    const items = Object.fromEntries(
      Array.from({ length: MAX_LINES_PER_CART }, (_, index) => [`SKU-${index}`, { quantity: 1 }]),
    );
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: { ...adasCart, items } });

    // Act
    const response = await putCartItem(putEvent(), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe('CART_FULL');
  });

  it('answers 400 with field details for a negative quantity', async () => {
    // Act
    const response = await putCartItem(putEvent({ body: { quantity: -1 } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    const { error } = bodyOf(response);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([{ path: 'quantity', message: expect.any(String) }]);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('answers 400 for unknown fields in the body', async () => {
    // Act
    const response = await putCartItem(putEvent({ body: { quantity: 1, price: 1 } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    // Act
    const response = await putCartItem(putEvent({ body: '{"quantity": ' }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({
      error: {
        code: 'MALFORMED_JSON',
        message: 'The request body is not valid JSON',
        correlationId: 'corr-test-0001',
      },
    });
    expect(dynamo.calls()).toHaveLength(0);
  });
});
