import { request as httpRequest } from 'node:http';
import {
  APIGatewayProxyEventSchema,
  APIGatewayRequestAuthorizerEventSchema,
} from '@aws-lambda-powertools/parser/schemas/api-gateway';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  API_ID,
  closeServedApis,
  FakeFunctions,
  ManualClock,
  okResult,
  policy,
  restApiDefinition,
  serveApi,
  tokenAuthorizer,
} from './apigateway-fixtures.js';

/** Sends a request with exact header casing and duplicates (fetch would normalize them). */
function rawRequest(
  url: string,
  options: { method: string; headers: Array<[string, string]>; body?: string },
): Promise<{ status: number; headers: NodeJS.Dict<string | string[]>; rawHeaders: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    // Raw header arrays get no default headers from Node, so Host is added here.
    const headers = [['Host', new URL(url).host], ...options.headers].flat();
    const req = httpRequest(url, { method: options.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('API Gateway Lambda proxy integration', () => {
  afterEach(closeServedApis);

  it('builds the REST API v1 proxy event, with client header casing and multi-value headers and query', async () => {
    // Prepare
    const clock = new ManualClock(Date.UTC(2025, 0, 15, 10, 30, 5, 123));
    const functions = new FakeFunctions().returning('createOrder', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/customers/{customerId}/orders', method: 'POST', function: 'createOrder' }],
      stageProperties: { Variables: { environment: 'local' } },
    });
    const api = await serveApi(definition, functions, { now: clock.now });

    // Act
    await rawRequest(`${api.url}/customers/c-7/orders?tag=a&tag=b%20c&q=x+y`, {
      method: 'POST',
      headers: [
        ['Content-Type', 'application/json'],
        ['Idempotency-Key', 'idem-1'],
        ['X-Correlation-Id', 'corr-9'],
        ['X-Multi', 'one'],
        ['X-Multi', 'two'],
        ['User-Agent', 'sagastack-test'],
      ],
      body: '{"sku":"SKU-1","quantity":2}',
    });

    // Assess
    const event = functions.firstEventOf('createOrder');
    expect(APIGatewayProxyEventSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      resource: '/customers/{customerId}/orders',
      path: '/customers/c-7/orders',
      httpMethod: 'POST',
      queryStringParameters: { tag: 'b c', q: 'x y' },
      multiValueQueryStringParameters: { tag: ['a', 'b c'], q: ['x y'] },
      pathParameters: { customerId: 'c-7' },
      stageVariables: { environment: 'local' },
      body: '{"sku":"SKU-1","quantity":2}',
      isBase64Encoded: false,
    });
    const headers = event.headers as Record<string, string>;
    expect(headers['Idempotency-Key']).toBe('idem-1');
    expect(headers['X-Correlation-Id']).toBe('corr-9');
    expect(headers['X-Multi']).toBe('two');
    expect(headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(headers['X-Forwarded-Proto']).toBe('http');
    expect(headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(headers['idempotency-key']).toBeUndefined();
    expect(event.multiValueHeaders).toMatchObject({ 'X-Multi': ['one', 'two'], 'Idempotency-Key': ['idem-1'] });
    expect(event.requestContext).toMatchObject({
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      resourcePath: '/customers/{customerId}/orders',
      httpMethod: 'POST',
      path: '/prod/customers/c-7/orders',
      stage: 'prod',
      protocol: 'HTTP/1.1',
      requestTime: '15/Jan/2025:10:30:05 +0000',
      requestTimeEpoch: clock.time,
      domainName: `${API_ID}.execute-api.us-east-1.amazonaws.com`,
      identity: { sourceIp: '127.0.0.1', userAgent: 'sagastack-test' },
    });
    const requestContext = event.requestContext as Record<string, unknown>;
    expect(requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestContext.resourceId).toMatch(/^res\d+$/);
    expect(requestContext).not.toHaveProperty('authorizer');
  });

  it('gives null body, query and path parameters when there are none', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('listOrders', okResult([]));
    const api = await serveApi(
      restApiDefinition({ routes: [{ path: '/orders', method: 'GET', function: 'listOrders' }] }),
      functions,
    );

    // Act
    await fetch(`${api.url}/orders`);

    // Assess
    const event = functions.firstEventOf('listOrders');
    expect(event).toMatchObject({
      body: null,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
    });
  });

  it("returns the function's status, headers and body, merging headers with multiValueHeaders", async () => {
    // Prepare
    const functions = new FakeFunctions().returning('createOrder', {
      statusCode: 201,
      headers: { Location: '/orders/o-1', 'X-Count': 3, 'Set-Cookie': 'ignored=1' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: '{"orderId":"o-1"}',
    });
    const api = await serveApi(
      restApiDefinition({ routes: [{ path: '/orders', method: 'POST', function: 'createOrder' }] }),
      functions,
    );

    // Act
    const response = await rawRequest(`${api.url}/orders`, { method: 'POST', headers: [], body: '{}' });

    // Assess
    expect(response.status).toBe(201);
    expect(response.body).toBe('{"orderId":"o-1"}');
    expect(response.headers.location).toBe('/orders/o-1');
    expect(response.headers['x-count']).toBe('3');
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-amzn-trace-id']).toMatch(/^Root=1-/);
    expect(response.rawHeaders).toContain('Location');
  });

  it('passes requestContext.authorizer with principalId and stringified context to the integration', async () => {
    // Prepare
    const functions = new FakeFunctions()
      .returning('auth', policy('Allow', '*', { context: { tenantId: 't-1', roles: 'admin', level: 3, beta: true } }))
      .returning('getOrder', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/orders/{orderId}', method: 'GET', function: 'getOrder', authorizer: 'Auth' }],
      authorizers: [tokenAuthorizer('Auth', 'auth')],
    });
    const api = await serveApi(definition, functions);

    // Act
    await fetch(`${api.url}/orders/o-1`, { headers: { Authorization: 'Bearer token-1' } });

    // Assess
    const event = functions.firstEventOf('getOrder');
    const authorizer = (event.requestContext as Record<string, unknown>).authorizer;
    expect(authorizer).toEqual({
      tenantId: 't-1',
      roles: 'admin',
      level: '3',
      beta: 'true',
      principalId: 'user-123',
      integrationLatency: expect.any(Number),
    });
    expect(APIGatewayProxyEventSchema.safeParse(event).success).toBe(true);
  });

  it('invokes a REQUEST authorizer with the REQUEST event shape', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('auth', policy('Allow', '*')).returning('getOrder', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/orders/{orderId}', method: 'GET', function: 'getOrder', authorizer: 'Auth' }],
      authorizers: [
        {
          logicalId: 'Auth',
          properties: {
            Type: 'REQUEST',
            AuthorizerUri: tokenAuthorizer('x', 'auth').properties.AuthorizerUri,
            IdentitySource: 'method.request.header.Authorization,method.request.querystring.tenant',
            AuthorizerResultTtlInSeconds: 0,
          },
        },
      ],
    });
    const api = await serveApi(definition, functions);

    // Act
    await fetch(`${api.url}/orders/o-1?tenant=t-1`, { headers: { Authorization: 'Bearer token-1' } });

    // Assess
    const event = functions.firstEventOf('auth');
    expect(APIGatewayRequestAuthorizerEventSchema.safeParse(event).success).toBe(true);
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${API_ID}/prod/GET/orders/o-1`,
      resource: '/orders/{orderId}',
      path: '/orders/o-1',
      httpMethod: 'GET',
      queryStringParameters: { tenant: 't-1' },
      pathParameters: { orderId: 'o-1' },
      stageVariables: {},
    });
    expect((event.headers as Record<string, string>).Authorization).toBe('Bearer token-1');
  });
});

describe('API Gateway Lambda proxy failures', () => {
  afterEach(closeServedApis);

  it('answers 502 Internal server error when the function fails', async () => {
    // Prepare
    const logs: string[] = [];
    const functions = new FakeFunctions().on('createOrder', () => ({
      error: { errorType: 'TypeError', errorMessage: 'boom' },
    }));
    const definition = restApiDefinition({ routes: [{ path: '/orders', method: 'POST', function: 'createOrder' }] });
    const api = await serveApi(definition, functions, { log: (line) => logs.push(line) });

    // Act
    const response = await fetch(`${api.url}/orders`, { method: 'POST', body: '{}' });

    // Assess
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
    expect(logs.join('\n')).toContain('TypeError: boom');
  });

  it.each([
    ['no statusCode', { body: 'x' }],
    ['a non-string body', { statusCode: 200, body: { ok: true } }],
    ['a bare string', 'hello'],
    ['null', null],
  ])('answers 502 for a malformed result (%s)', async (_label, result) => {
    // Prepare
    const functions = new FakeFunctions().returning('getOrder', result);
    const api = await serveApi(
      restApiDefinition({ routes: [{ path: '/orders', method: 'GET', function: 'getOrder' }] }),
      functions,
    );

    // Act
    const response = await fetch(`${api.url}/orders`);

    // Assess
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ message: 'Internal server error' });
  });

  it('answers 504 when the integration exceeds its timeout', async () => {
    // Prepare
    const functions = new FakeFunctions().on('slow', () => new Promise(() => {}));
    const definition = restApiDefinition({
      routes: [
        {
          path: '/slow',
          method: 'GET',
          function: 'slow',
          properties: {
            Integration: {
              Type: 'AWS_PROXY',
              IntegrationHttpMethod: 'POST',
              Uri: tokenAuthorizer('x', 'slow').properties.AuthorizerUri,
              TimeoutInMillis: 100,
            },
          },
        },
      ],
    });
    const api = await serveApi(definition, functions);

    // Act
    const response = await fetch(`${api.url}/slow`);

    // Assess
    expect(response.status).toBe(504);
    expect(await response.json()).toEqual({ message: 'Endpoint request timed out' });
  });
});
