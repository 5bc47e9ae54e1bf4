/** The DynamoDB stub of the cart handler tests (PUT and DELETE an item, GET the cart), Ada's cart and a catalog. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { CUSTOMER, type PRODUCTS, TABLES } from '../../commerce-harness.js';

export const dynamo = mockClient(DynamoDBDocumentClient);
export const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

export const adasCart = {
  cartId: 'cart-ada',
  ownerSub: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  items: { 'SKU-KEYBOARD': { quantity: 1 } },
  updatedAt: '2026-01-01T00:00:00.000Z',
};

export function catalogHolds(...products: Array<(typeof PRODUCTS)[keyof typeof PRODUCTS]>) {
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
