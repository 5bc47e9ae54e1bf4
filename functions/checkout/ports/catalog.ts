import type { Product } from '../../../shared/contracts/checkout-api.js';

/** The product catalog; stock (`available`, `reserved`) lives on each product. */
export interface CatalogRepository {
  listProducts(): Promise<Product[]>;
  getProduct(sku: string): Promise<Product | undefined>;
  /** Products by SKU; a SKU that does not exist is absent from the map. */
  getProducts(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
}
