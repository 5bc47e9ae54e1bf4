import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { MAX_LINES_PER_CART } from '../../../../functions/checkout/domain/lines.js';
import { handler as getCart } from '../../../../functions/checkout/handlers/api/get-cart.js';
import { handler as putCartItem } from '../../../../functions/checkout/handlers/api/put-cart-item.js';
import { handler as removeCartItem } from '../../../../functions/checkout/handlers/api/remove-cart-item.js';
import {
  apiEvent,
  bodyOf,
  CUSTOMER,
  lambdaContext,
  OTHER_CUSTOMER,
  PRODUCTS,
  TABLES,
  useTestTables,
} from './harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const adasCart = {
  cartId: 'cart-ada',
  ownerSub: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  items: { 'SKU-KEYBOARD': { quantity: 1 } },
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function catalogHolds(...products: Array<(typeof PRODUCTS)[keyof typeof PRODUCTS]>) {
  for (const product of products) {
    dynamo
      .on(GetCommand, { TableName: TABLES.CATALOG_TABLE_NAME, Key: { sku: product.sku } })
      .resolves({ Item: product });
  }
  dynamo.on(BatchGetCommand).callsFake((input) => {
    const keys = input.RequestItems[TABLES.CATALOG_TABLE_NAME].Keys as Array<{ sku: string }>;
    const wanted = new Set(keys.map((key) => key.sku));
    return { Responses: { [TABLES.CATALOG_TABLE_NAME]: products.filter((product) => wanted.has(product.sku)) } };
  });
}

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

describe('DELETE /carts/{cartId}/items/{sku}', () => {
  it('removes the item and answers the cart', async () => {
    // Prepare
    catalogHolds(PRODUCTS.keyboard);
    dynamo.on(UpdateCommand).resolves({ Attributes: adasCart });

    // Act
    const response = await removeCartItem(
      apiEvent({ pathParameters: { cartId: 'cart-ada', sku: 'SKU-MOUSE' } }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).items.map((item: { sku: string }) => item.sku)).toEqual(['SKU-KEYBOARD']);
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.UpdateExpression).toContain('REMOVE #items.#sku');
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#sku': 'SKU-MOUSE' });
  });

  it('answers 404 for an unknown or foreign cart', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const response = await removeCartItem(
      apiEvent({ pathParameters: { cartId: 'cart-nope', sku: 'SKU-MOUSE' } }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.details).toEqual({ resource: 'Cart', id: 'cart-nope' });
  });
});

describe('GET /carts/{cartId}', () => {
  it('answers the cart with current prices and subtotal', async () => {
    // Prepare
    catalogHolds({ ...PRODUCTS.keyboard, priceCents: 7999 });
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: adasCart });

    // Act
    const response = await getCart(apiEvent({ pathParameters: { cartId: 'cart-ada' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({
      cartId: 'cart-ada',
      items: [{ sku: 'SKU-KEYBOARD', quantity: 1, unitPriceCents: 7999 }],
      subtotalCents: 7999,
    });
  });

  it('answers 404 for someone else’s cart', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: adasCart });

    // Act
    const response = await getCart(
      apiEvent({ caller: OTHER_CUSTOMER, pathParameters: { cartId: 'cart-ada' } }),
      lambdaContext,
    );

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('answers 404 for a cart that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const response = await getCart(apiEvent({ pathParameters: { cartId: 'cart-nope' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
  });
});
