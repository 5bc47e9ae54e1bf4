import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { PRODUCTS, TABLES, useTestTables } from '../commerce-harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('catalog batch reads', () => {
  it('retries unprocessed keys', async () => {
    // Prepare
    const { dynamoCatalog } = await import('../../../../functions/checkout/adapters/dynamo-catalog.js');
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLES.CATALOG_TABLE_NAME]: [PRODUCTS.keyboard] },
        UnprocessedKeys: { [TABLES.CATALOG_TABLE_NAME]: { Keys: [{ sku: 'SKU-MOUSE' }] } },
      })
      .resolvesOnce({ Responses: { [TABLES.CATALOG_TABLE_NAME]: [PRODUCTS.mouse] } });

    // Act
    const products = await dynamoCatalog().getProducts(['SKU-KEYBOARD', 'SKU-MOUSE', 'SKU-KEYBOARD']);

    // Assess
    expect([...products.keys()].sort()).toEqual(['SKU-KEYBOARD', 'SKU-MOUSE']);
    expect(dynamo.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems).toEqual({
      [TABLES.CATALOG_TABLE_NAME]: { Keys: [{ sku: 'SKU-MOUSE' }], ConsistentRead: false },
    });
  });
});
