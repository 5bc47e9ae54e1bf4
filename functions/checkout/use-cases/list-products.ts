import type { Product } from '../../../shared/contracts/checkout-api.js';
import type { CatalogRepository } from '../ports/catalog.js';

export async function listProducts(deps: { catalog: CatalogRepository }): Promise<{ items: Product[] }> {
  return { items: await deps.catalog.listProducts() };
}
