import { CartPath } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCarts } from '../../adapters/dynamo-carts.js';
import { dynamoCatalog } from '../../adapters/dynamo-catalog.js';
import { getCart } from '../../use-cases/get-cart.js';

/** GET /carts/{cartId}: the caller's cart at current prices. */
export const handler = apiHandler({ path: CartPath }, async ({ path, principal }) => ({
  statusCode: 200,
  body: await getCart(
    path.cartId,
    { ownerSub: principal.sub, tenantId: principal.tenant },
    { carts: dynamoCarts(), catalog: dynamoCatalog() },
  ),
}));
