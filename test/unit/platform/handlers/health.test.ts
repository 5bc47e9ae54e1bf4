import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../functions/platform/handlers/health.js';
import { HealthReady } from '../../../../shared/contracts/platform-api.js';
import { lambdaContext } from '../../checkout/checkouts-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);

/** A public request as API Gateway sends it: no authorizer context. */
function healthEvent(resource: string, path = resource): APIGatewayProxyEvent {
  return {
    body: null,
    headers: {},
    multiValueHeaders: {},
    httpMethod: 'GET',
    isBase64Encoded: false,
    path,
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource,
    requestContext: { requestId: 'request-health-1' } as APIGatewayProxyEvent['requestContext'],
  };
}

beforeEach(() => {
  dynamo.reset();
  dynamo.on(GetCommand).resolves({});
  Object.assign(process.env, {
    HEALTH_CHECK_TABLES: 'catalog-table:sku,payments-table:pk:sk',
    APP_VERSION: '1.2.3',
    APP_COMMIT: 'abc1234',
    APP_BUILD_DATE: '2026-01-01T00:00:00Z',
  });
});

describe('GET /health/live', () => {
  it('answers 200 ok without touching any dependency', async () => {
    // Act
    const response = await handler(healthEvent('/health/live'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('routes by path when a base path is mapped in front', async () => {
    // Act
    const response = await handler(healthEvent('/{proxy+}', '/v1/health/live'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
  });
});

describe('GET /health/ready', () => {
  it('answers 200 with every table check, the build and the uptime when all tables answer', async () => {
    // Act
    const response = await handler(healthEvent('/health/ready'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    const body = HealthReady.parse(JSON.parse(response.body));
    expect(body).toMatchObject({
      status: 'ok',
      checks: [
        { name: 'catalog-table', status: 'ok', latencyMs: expect.any(Number) },
        { name: 'payments-table', status: 'ok', latencyMs: expect.any(Number) },
      ],
      version: '1.2.3',
      commit: 'abc1234',
      buildDate: '2026-01-01T00:00:00Z',
    });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('probes each table with a GetItem on a key that does not exist, naming its own key attributes', async () => {
    // Act
    await handler(healthEvent('/health/ready'), lambdaContext);

    // Assess
    const inputs = dynamo.commandCalls(GetCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { TableName: 'catalog-table', Key: { sku: '__health_check__' } },
      { TableName: 'payments-table', Key: { pk: '__health_check__', sk: '__health_check__' } },
    ]);
  });

  it('answers 503 when a table does not answer, and says which', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'payments-table' }).rejects(new Error('ResourceNotFoundException'));

    // Act
    const response = await handler(healthEvent('/health/ready'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(503);
    const body = JSON.parse(response.body);
    expect(body.status).toBe('fail');
    expect(body.checks).toEqual([
      expect.objectContaining({ name: 'catalog-table', status: 'ok' }),
      expect.objectContaining({ name: 'payments-table', status: 'fail' }),
    ]);
  });

  it('reports unknown build metadata rather than failing', async () => {
    // Prepare
    delete process.env.APP_VERSION;
    delete process.env.APP_COMMIT;
    delete process.env.APP_BUILD_DATE;

    // Act
    const response = await handler(healthEvent('/health/ready'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ version: 'unknown', commit: 'unknown', buildDate: 'unknown' });
  });

  it('answers 500 when HEALTH_CHECK_TABLES is not configured', async () => {
    // Prepare
    delete process.env.HEALTH_CHECK_TABLES;

    // Act
    const response = await handler(healthEvent('/health/ready'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body).error.code).toBe('INTERNAL');
  });
});

describe('other routes', () => {
  it('answers 404 in the error envelope', async () => {
    // Act
    const response = await handler(healthEvent('/health/other'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).error.code).toBe('NOT_FOUND');
  });
});
