/**
 * The demo catalog and an environment-agnostic loader: the same function seeds AWS, LocalStack and the local cloud,
 * given a document client pointed at the right endpoint and the catalog table's name.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Product } from '../../../shared/contracts/checkout-api.js';

export const SEED_PRODUCTS: readonly Product[] = [
  { sku: 'SKU-KEYBOARD', name: 'Mechanical keyboard', priceCents: 8999, available: 100, reserved: 0 },
  { sku: 'SKU-MOUSE', name: 'Wireless mouse', priceCents: 2999, available: 200, reserved: 0 },
  { sku: 'SKU-MONITOR', name: '27-inch 4K monitor', priceCents: 32999, available: 25, reserved: 0 },
  { sku: 'SKU-HEADSET', name: 'Noise-cancelling headset', priceCents: 14999, available: 50, reserved: 0 },
  { sku: 'SKU-WEBCAM', name: '1080p webcam', priceCents: 5999, available: 75, reserved: 0 },
  { sku: 'SKU-DOCK', name: 'USB-C docking station', priceCents: 19999, available: 30, reserved: 0 },
  { sku: 'SKU-CABLE', name: 'USB-C cable, 2 m', priceCents: 1299, available: 500, reserved: 0 },
  /** Deliberately scarce: two customers checking out at once show the out-of-stock path. */
  { sku: 'SKU-LIMITED-EDITION', name: 'Limited edition keycap set', priceCents: 4999, available: 1, reserved: 0 },
];

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;
const MAX_ATTEMPTS = 8;

export interface SeedCatalogOptions {
  readonly products?: readonly Product[];
  /** Waits between retries of throttled writes. @default setTimeout-based sleep */
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

/**
 * Writes the products with BatchWrite. Idempotent: each product is put whole under its SKU, so seeding twice leaves
 * the same catalog (and resets stock to the seed's figures, which is what a demo reset wants).
 * Answers how many products were written.
 */
export async function seedCatalog(
  client: DynamoDBDocumentClient,
  tableName: string,
  options: SeedCatalogOptions = {},
): Promise<number> {
  const products = options.products ?? SEED_PRODUCTS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let start = 0; start < products.length; start += BATCH_WRITE_LIMIT) {
    let requests: NonNullable<BatchWriteCommandRequests> = products
      .slice(start, start + BATCH_WRITE_LIMIT)
      .map((product) => ({ PutRequest: { Item: { ...product } } }));
    for (let attempt = 1; requests.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) throw new Error(`Seeding ${tableName} kept being throttled; try again later`);
      if (attempt > 1) await sleep(50 * 2 ** attempt);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (result.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
  return products.length;
}

type BatchWriteCommandRequests = NonNullable<BatchWriteCommand['input']['RequestItems']>[string];
