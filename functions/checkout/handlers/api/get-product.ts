import { ProductPath } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCatalog } from '../../adapters/dynamo-catalog.js';
import { getProduct } from '../../use-cases/get-product.js';

/** GET /products/{sku} */
export const handler = apiHandler({ path: ProductPath }, async ({ path }) => ({
  statusCode: 200,
  body: await getProduct(path.sku, { catalog: dynamoCatalog() }),
}));
