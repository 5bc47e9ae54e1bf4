import { CartItemPath, PutCartItemBody } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCarts } from '../../adapters/dynamo-carts.js';
import { dynamoCatalog } from '../../adapters/dynamo-catalog.js';
import { putCartItem } from '../../use-cases/put-cart-item.js';

/** PUT /carts/{cartId}/items/{sku}: sets a product's quantity, creating the caller's cart on first use. */
export const handler = apiHandler({ path: CartItemPath, body: PutCartItemBody }, async ({ path, body, principal }) => ({
  statusCode: 200,
  body: await putCartItem(
    { ...path, quantity: body.quantity, owner: { ownerSub: principal.sub, tenantId: principal.tenant } },
    { carts: dynamoCarts(), catalog: dynamoCatalog() },
  ),
}));
