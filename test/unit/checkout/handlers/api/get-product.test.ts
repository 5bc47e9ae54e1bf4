import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as getProduct } from '../../../../../functions/checkout/handlers/api/get-product.js';
import { apiEvent, bodyOf, lambdaContext, PRODUCTS, TABLES, useTestTables } from '../../commerce-harness.js';

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

describe('GET /products/{sku}', () => {
  it('answers the product', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.CATALOG_TABLE_NAME, Key: { sku: 'SKU-KEYBOARD' } }).resolves({
      Item: PRODUCTS.keyboard,
    });

    // Act
    const response = await getProduct(apiEvent({ pathParameters: { sku: 'SKU-KEYBOARD' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual(PRODUCTS.keyboard);
  });

  it('answers 404 for an unknown SKU', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const response = await getProduct(apiEvent({ pathParameters: { sku: 'SKU-NOPE' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toMatchObject({
      code: 'NOT_FOUND',
      details: { resource: 'Product', id: 'SKU-NOPE' },
    });
  });

  it('answers 400 for a SKU that is not a valid identifier', async () => {
    // Act
    const response = await getProduct(apiEvent({ pathParameters: { sku: 'bad sku!' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error.code).toBe('VALIDATION_FAILED');
    expect(bodyOf(response).error.details[0].path).toBe('path.sku');
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });
});
