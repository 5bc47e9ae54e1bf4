import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as removeCartItem } from '../../../../../functions/checkout/handlers/api/remove-cart-item.js';
import { apiEvent, bodyOf, lambdaContext, PRODUCTS, useTestTables } from '../../commerce-harness.js';
import { adasCart, catalogHolds, conditionFailed, dynamo } from './carts-harness.js';

beforeEach(() => {
  dynamo.reset();
  useTestTables();
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
