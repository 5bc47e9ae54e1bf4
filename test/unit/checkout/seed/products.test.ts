import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SEED_PRODUCTS, seedCatalog } from '../../../../functions/checkout/seed/products.js';
import { Product } from '../../../../shared/contracts/checkout-api.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const noWait = async () => undefined;

beforeEach(() => {
  dynamo.reset();
});

describe('seed catalog', () => {
  it('offers at least six valid products with nothing reserved', () => {
    // Assess
    expect(SEED_PRODUCTS.length).toBeGreaterThanOrEqual(6);
    for (const product of SEED_PRODUCTS) {
      expect(Product.parse(product)).toEqual(product);
      expect(product.reserved).toBe(0);
    }
    expect(SEED_PRODUCTS.map((product) => product.sku)).toEqual(
      expect.arrayContaining(['SKU-KEYBOARD', 'SKU-MOUSE', 'SKU-MONITOR', 'SKU-HEADSET', 'SKU-WEBCAM', 'SKU-DOCK']),
    );
    expect(new Set(SEED_PRODUCTS.map((product) => product.sku)).size).toBe(SEED_PRODUCTS.length);
  });

  it('writes every product to the given table with BatchWrite', async () => {
    // Prepare
    dynamo.on(BatchWriteCommand).resolves({});

    // Act
    const written = await seedCatalog(client, 'my-catalog', { sleep: noWait });

    // Assess
    expect(written).toBe(SEED_PRODUCTS.length);
    const requests = dynamo.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.['my-catalog'];
    expect(requests?.map((request) => request.PutRequest?.Item)).toEqual(SEED_PRODUCTS);
  });

  it('writes in batches of 25 and retries unprocessed items', async () => {
    // Prepare
    const products = Array.from({ length: 30 }, (_, index) => ({
      sku: `SKU-${index}`,
      name: `Product ${index}`,
      priceCents: 100,
      available: 1,
      reserved: 0,
    }));
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { t: [{ PutRequest: { Item: products[3] } }] } })
      .resolves({});

    // Act
    await seedCatalog(client, 't', { products, sleep: noWait });

    // Assess
    const batches = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.t ?? []);
    expect(batches.map((batch) => batch.length)).toEqual([25, 1, 5]);
    expect(batches[1]?.[0]?.PutRequest?.Item).toEqual(products[3]);
  });

  it('gives up on a table that keeps throttling', async () => {
    // Prepare
    dynamo.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));

    // Act
    const attempt = seedCatalog(client, 't', { sleep: noWait });

    // Assess
    await expect(attempt).rejects.toThrow(/throttled/);
  });
});
