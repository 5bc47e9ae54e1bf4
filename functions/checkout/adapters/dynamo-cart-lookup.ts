/**
 * Reads the Carts table (owned by the carts module) for the ownership and emptiness checks of a new checkout.
 * Item shape: `{ cartId, ownerSub, tenantId, items: { [sku]: { quantity } }, updatedAt }`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { CartLookup, CartSummary } from '../ports/cart-lookup.js';

export function dynamoCartLookup(): CartLookup {
  return {
    async find(cartId) {
      const { Item } = await dynamoDocumentClient().send(
        new GetCommand({
          TableName: requiredEnv(tableEnv('CARTS')),
          Key: { cartId },
          // A customer checks out right after adding the last item: an eventually consistent read could miss it.
          ConsistentRead: true,
          ProjectionExpression: 'cartId, ownerSub, tenantId, #items',
          ExpressionAttributeNames: { '#items': 'items' },
        }),
      );
      return Item ? cartSummaryOf(Item) : undefined;
    },
  };
}

function cartSummaryOf(item: Record<string, unknown>): CartSummary {
  const items = typeof item.items === 'object' && item.items !== null ? Object.values(item.items) : [];
  const lineCount = items.filter((line) => {
    const quantity = (line as { quantity?: unknown } | null)?.quantity;
    return typeof quantity === 'number' && quantity > 0;
  }).length;
  return {
    cartId: String(item.cartId),
    ownerSub: String(item.ownerSub ?? ''),
    tenantId: String(item.tenantId ?? ''),
    lineCount,
  };
}
