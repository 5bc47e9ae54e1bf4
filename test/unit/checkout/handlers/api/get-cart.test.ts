import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as getCart } from '../../../../../functions/checkout/handlers/api/get-cart.js';
import {
  apiEvent,
  bodyOf,
  lambdaContext,
  OTHER_CUSTOMER,
  PRODUCTS,
  TABLES,
  useTestTables,
} from '../../commerce-harness.js';
import { adasCart, catalogHolds, dynamo } from './carts-harness.js';

beforeEach(() => {
  dynamo.reset();
  useTestTables();
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
