import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as listProducts } from '../../../../../functions/checkout/handlers/api/list-products.js';
import { apiEvent, bodyOf, lambdaContext, PRODUCTS, TABLES, useTestTables } from '../../commerce-harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('GET /products', () => {
  it('lists every page of the catalog, sorted by SKU, with only the product fields', async () => {
    // Prepare
    dynamo
      .on(ScanCommand)
      .resolvesOnce({ Items: [{ ...PRODUCTS.mouse, internalNote: 'x' }], LastEvaluatedKey: { sku: 'SKU-MOUSE' } })
      .resolvesOnce({ Items: [PRODUCTS.keyboard] });

    // Act
    const response = await listProducts(apiEvent(), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ items: [PRODUCTS.keyboard, PRODUCTS.mouse] });
    const scans = dynamo.commandCalls(ScanCommand);
    expect(scans).toHaveLength(2);
    expect(scans[0]?.args[0].input.TableName).toBe(TABLES.CATALOG_TABLE_NAME);
    expect(scans[1]?.args[0].input.ExclusiveStartKey).toEqual({ sku: 'SKU-MOUSE' });
  });

  it('answers 500 with the envelope when the table cannot be read', async () => {
    // Prepare
    dynamo.on(ScanCommand).rejects(new Error('boom'));

    // Act
    const response = await listProducts(apiEvent(), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({
      error: { code: 'INTERNAL', message: 'An unexpected error occurred', correlationId: 'corr-test-0001' },
    });
  });

  it('refuses a caller the authorizer did not identify', async () => {
    // Prepare
    const event = apiEvent();
    event.requestContext.authorizer = null;

    // Act
    const response = await listProducts(event, lambdaContext);

    // Assess
    expect(response.statusCode).toBe(401);
    expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
  });
});
