import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as clearCart } from '../../../../../functions/checkout/handlers/saga/clear-cart.js';
import { lambdaContext, SAGA_INPUT, TABLES, useTestTables } from '../../commerce-harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('ClearCart step', () => {
  const command = { ...SAGA_INPUT, order: { orderId: 'ord_chk_0001' } };

  it('empties the customer’s cart', async () => {
    // Prepare
    dynamo.on(UpdateCommand).resolves({ Attributes: { cartId: SAGA_INPUT.cartId, items: {} } });

    // Act
    const result = await clearCart(command, lambdaContext);

    // Assess
    expect(result).toEqual({ cleared: true });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      TableName: TABLES.CARTS_TABLE_NAME,
      Key: { cartId: SAGA_INPUT.cartId },
      UpdateExpression: expect.stringContaining('SET #items = :empty'),
      ConditionExpression: expect.stringContaining('ownerSub = :ownerSub'),
      ExpressionAttributeValues: expect.objectContaining({
        ':empty': {},
        ':ownerSub': SAGA_INPUT.customerId,
        ':tenantId': SAGA_INPUT.tenantId,
      }),
    });
  });

  it('does nothing for a cart that is missing or no longer the customer’s', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    // Act
    const result = await clearCart(command, lambdaContext);

    // Assess
    expect(result).toEqual({ cleared: false });
  });
});
