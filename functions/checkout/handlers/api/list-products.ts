import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCatalog } from '../../adapters/dynamo-catalog.js';
import { listProducts } from '../../use-cases/list-products.js';

/** GET /products: the whole catalog, for any authenticated caller. */
export const handler = apiHandler({}, async () => ({
  statusCode: 200,
  body: await listProducts({ catalog: dynamoCatalog() }),
}));
