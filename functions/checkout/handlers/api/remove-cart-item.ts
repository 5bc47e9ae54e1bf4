import { CartItemPath } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCarts } from '../../adapters/dynamo-carts.js';
import { dynamoCatalog } from '../../adapters/dynamo-catalog.js';
import { removeCartItem } from '../../use-cases/remove-cart-item.js';

/** DELETE /carts/{cartId}/items/{sku} */
export const handler = apiHandler({ path: CartItemPath }, async ({ path, principal }) => ({
  statusCode: 200,
  body: await removeCartItem(
    { ...path, owner: { ownerSub: principal.sub, tenantId: principal.tenant } },
    { carts: dynamoCarts(), catalog: dynamoCatalog() },
  ),
}));
