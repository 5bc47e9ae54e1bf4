import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createUnlessExists } from '../../../shared/aws/conditional-writes.js';
import { isConditionalCheckFailed } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import type { CartOwner } from '../domain/carts.js';
import type { CartRepository, StoredCart } from '../ports/carts.js';

/** Every cart write is conditioned on this, so nobody but the owner can ever change a cart. */
const OWNED_BY_CALLER = 'attribute_exists(cartId) AND ownerSub = :ownerSub AND tenantId = :tenantId';

/** The carts table (CARTS_TABLE_NAME), keyed by `cartId`; items are a map from SKU to `{ quantity }`. */
export function dynamoCarts(): CartRepository {
  const client = dynamoDocumentClient();
  const tableName = () => requiredEnv(tableEnv('CARTS'));
  const ownerValues = (owner: CartOwner) => ({ ':ownerSub': owner.ownerSub, ':tenantId': owner.tenantId });

  /** Runs a conditional update of an owned cart; `undefined` when the cart is missing or someone else's. */
  const updateOwnedCart = async (
    cartId: string,
    owner: CartOwner,
    update: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<StoredCart | undefined> => {
    try {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { cartId },
          UpdateExpression: update.expression,
          ConditionExpression: OWNED_BY_CALLER,
          ExpressionAttributeNames: update.names,
          ExpressionAttributeValues: { ...ownerValues(owner), ...update.values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toCart(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  };

  return {
    async getCart(cartId) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName(), Key: { cartId } }));
      return Item ? toCart(Item) : undefined;
    },

    async setItemQuantity(cartId, owner, sku, quantity) {
      const setItem = {
        expression: 'SET #items.#sku = :line, updatedAt = :now',
        names: { '#items': 'items', '#sku': sku },
        values: { ':line': { quantity }, ':now': new Date().toISOString() },
      };
      const updated = await updateOwnedCart(cartId, owner, setItem);
      if (updated) return updated;
      const created: StoredCart = {
        cartId,
        ownerSub: owner.ownerSub,
        tenantId: owner.tenantId,
        items: { [sku]: { quantity } },
        updatedAt: new Date().toISOString(),
      };
      if (await createUnlessExists({ tableName: tableName(), key: 'cartId', item: created })) return created;
      // The cart exists: someone else's (answered as missing), or the caller's, created by a concurrent request.
      return updateOwnedCart(cartId, owner, setItem);
    },

    removeItem(cartId, owner, sku) {
      return updateOwnedCart(cartId, owner, {
        expression: 'REMOVE #items.#sku SET updatedAt = :now',
        names: { '#items': 'items', '#sku': sku },
        values: { ':now': new Date().toISOString() },
      });
    },

    async clearItems(cartId, owner) {
      const cleared = await updateOwnedCart(cartId, owner, {
        expression: 'SET #items = :empty, updatedAt = :now',
        names: { '#items': 'items' },
        values: { ':empty': {}, ':now': new Date().toISOString() },
      });
      return cleared !== undefined;
    },
  };
}

function toCart(item: Record<string, unknown>): StoredCart {
  const items: Record<string, { quantity: number }> = {};
  for (const [sku, line] of Object.entries((item.items ?? {}) as Record<string, { quantity?: unknown }>)) {
    items[sku] = { quantity: Number(line.quantity) };
  }
  return {
    cartId: String(item.cartId),
    ownerSub: String(item.ownerSub),
    tenantId: String(item.tenantId),
    items,
    updatedAt: String(item.updatedAt),
  };
}
