import { BatchGetCommand, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import type { Product } from '../../../shared/contracts/checkout-api.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { TransientError } from '../../../shared/errors.js';
import type { CatalogRepository } from '../ports/catalog.js';

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_LIMIT = 100;
/** Unprocessed keys mean throttling; a few quick retries ride it out, then the caller's retry policy takes over. */
const MAX_BATCH_ATTEMPTS = 5;

export interface DynamoCatalogOptions {
  /** Strongly consistent reads, for callers that must see the outcome of a write that just happened. @default false */
  readonly consistentRead?: boolean;
}

/** The catalog table (CATALOG_TABLE_NAME), keyed by `sku`. */
export function dynamoCatalog(options: DynamoCatalogOptions = {}): CatalogRepository {
  const client = dynamoDocumentClient();
  const tableName = () => requiredEnv(tableEnv('CATALOG'));
  const consistentRead = options.consistentRead ?? false;

  return {
    async listProducts() {
      const products: Product[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: tableName(), ConsistentRead: consistentRead, ExclusiveStartKey: startKey }),
        );
        for (const item of page.Items ?? []) products.push(toProduct(item));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return products.sort((left, right) => left.sku.localeCompare(right.sku));
    },

    async getProduct(sku) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName(), Key: { sku }, ConsistentRead: consistentRead }),
      );
      return Item ? toProduct(Item) : undefined;
    },

    async getProducts(skus) {
      const products = new Map<string, Product>();
      const unique = [...new Set(skus)];
      for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
        let keys: Record<string, unknown>[] = unique.slice(start, start + BATCH_GET_LIMIT).map((sku) => ({ sku }));
        for (let attempt = 1; keys.length > 0; attempt++) {
          if (attempt > MAX_BATCH_ATTEMPTS) throw new TransientError('The catalog kept throttling a batch read');
          const table = tableName();
          const result = await client.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: consistentRead } } }),
          );
          for (const item of result.Responses?.[table] ?? []) {
            const product = toProduct(item);
            products.set(product.sku, product);
          }
          keys = result.UnprocessedKeys?.[table]?.Keys ?? [];
        }
      }
      return products;
    },
  };
}

/** Only the product's own fields: whatever else an item carries is not part of the contract. */
function toProduct(item: Record<string, unknown>): Product {
  return {
    sku: String(item.sku),
    name: String(item.name),
    priceCents: Number(item.priceCents),
    available: Number(item.available ?? 0),
    reserved: Number(item.reserved ?? 0),
  };
}
