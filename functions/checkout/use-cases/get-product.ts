import type { Product } from '../../../shared/contracts/checkout-api.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { CatalogRepository } from '../ports/catalog.js';

export async function getProduct(sku: string, deps: { catalog: CatalogRepository }): Promise<Product> {
  const product = await deps.catalog.getProduct(sku);
  if (!product) throw new NotFoundError('Product', sku);
  return product;
}
