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

const ARN_PREFIX = `arn:aws:execute-api:us-east-1:${ACCOUNT_ID}:${API_ID}/prod`;

async function serveProtectedOrders(
  functions: FakeFunctions,
  authorizerExtra: Record<string, unknown> = {},
  clock = new ManualClock(),
) {
  functions.returning('getOrder', okResult({ order: true })).returning('listOrders', okResult([]));
  const definition = restApiDefinition({
    routes: [
      { path: '/orders', method: 'GET', function: 'listOrders', authorizer: 'JwtAuthorizer' },
      { path: '/orders/{orderId}', method: 'GET', function: 'getOrder', authorizer: 'JwtAuthorizer' },
    ],
    authorizers: [tokenAuthorizer('JwtAuthorizer', 'jwtAuthorizer', authorizerExtra)],
  });
  return serveApi(definition, functions, { now: clock.now });
}

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('API Gateway Lambda authorizer', () => {
  afterEach(closeServedApis);

  it('answers 401 without invoking the authorizer when the token header is missing', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', '*'));
    const api = await serveProtectedOrders(functions);

    // Act
    const response = await fetch(`${api.url}/orders/o-1`);

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('x-amzn-errortype')).toBe('UnauthorizedException');
    expect(functions.calls).toHaveLength(0);
  });

  it('invokes a TOKEN authorizer with the token and the method ARN, then the integration', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', `${ARN_PREFIX}/GET/orders/*`));
    const api = await serveProtectedOrders(functions);

    // Act
    const response = await fetch(`${api.url}/orders/o-1`, bearer('token-1'));

    // Assess
    expect(response.status).toBe(200);
    expect(functions.callsTo('jwtAuthorizer')).toEqual([
      { type: 'TOKEN', authorizationToken: 'Bearer token-1', methodArn: `${ARN_PREFIX}/GET/orders/o-1` },
    ]);
    expect(functions.callsTo('getOrder')).toHaveLength(1);
  });

  it("answers 401 when the authorizer fails with exactly 'Unauthorized'", async () => {
    // Prepare
    const functions = new FakeFunctions().on('jwtAuthorizer', () => ({
      error: { errorType: 'Error', errorMessage: 'Unauthorized' },
    }));
    const api = await serveProtectedOrders(functions);

    // Act
    const response = await fetch(`${api.url}/orders/o-1`, bearer('expired'));

    // Assess
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(functions.callsTo('getOrder')).toHaveLength(0);
  });

  it.each([
    ['another error', { error: { errorType: 'Error', errorMessage: 'jwks unreachable' } }],
    ['no policy document', { payload: { principalId: 'user-123' } }],
    ['a nested context value', { payload: policy('Allow', '*', { context: { roles: ['admin'] } }) }],
  ])('answers 500 AUTHORIZER_CONFIGURATION_ERROR for %s', async (_label, outcome) => {
    // Prepare
    const functions = new FakeFunctions().on('jwtAuthorizer', () => outcome);
    const api = await serveProtectedOrders(functions);

    // Act
    const response = await fetch(`${api.url}/orders/o-1`, bearer('token-1'));

    // Assess
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: null });
    expect(response.headers.get('x-amzn-errortype')).toBe('AuthorizerConfigurationException');
    expect(functions.callsTo('getOrder')).toHaveLength(0);
  });

  it('answers 403 when the policy explicitly denies, even next to an Allow', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('jwtAuthorizer', {
      principalId: 'user-123',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${ARN_PREFIX}/*` },
          { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${ARN_PREFIX}/GET/orders/o-secret` },
        ],
      },
    });
    const api = await serveProtectedOrders(functions);

    // Act
    const denied = await fetch(`${api.url}/orders/o-secret`, bearer('token-1'));
    const allowed = await fetch(`${api.url}/orders/o-1`, bearer('token-1'));

    // Assess
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      message: 'User is not authorized to access this resource with an explicit deny',
    });
    expect(denied.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(allowed.status).toBe(200);
  });

  it('answers 403 when no statement allows the method ARN', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', `${ARN_PREFIX}/POST/orders`));
    const api = await serveProtectedOrders(functions);

    // Act
    const response = await fetch(`${api.url}/orders`, bearer('token-1'));

    // Assess
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'User is not authorized to access this resource' });
  });

  it('invokes the authorizer once for two calls with the same token within the TTL', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', `${ARN_PREFIX}/*`));
    const api = await serveProtectedOrders(functions);

    // Act
    const first = await fetch(`${api.url}/orders/o-1`, bearer('token-1'));
    const second = await fetch(`${api.url}/orders`, bearer('token-1'));
    const otherToken = await fetch(`${api.url}/orders`, bearer('token-2'));

    // Assess
    expect([first.status, second.status, otherToken.status]).toEqual([200, 200, 200]);
    expect(functions.callsTo('jwtAuthorizer').map((event) => event.authorizationToken)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('evaluates a cached policy against each new method ARN', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', `${ARN_PREFIX}/GET/orders/o-1`));
    const api = await serveProtectedOrders(functions);

    // Act
    const first = await fetch(`${api.url}/orders/o-1`, bearer('token-1'));
    const second = await fetch(`${api.url}/orders/o-2`, bearer('token-1'));

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(403);
    expect(functions.callsTo('jwtAuthorizer')).toHaveLength(1);
  });

  it('invokes the authorizer again once the TTL has passed, and every time with a TTL of 0', async () => {
    // Prepare
    const clock = new ManualClock();
    const cachingFunctions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', '*'));
    const caching = await serveProtectedOrders(cachingFunctions, { AuthorizerResultTtlInSeconds: 60 }, clock);
    const uncachedFunctions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', '*'));
    const uncached = await serveProtectedOrders(uncachedFunctions, { AuthorizerResultTtlInSeconds: 0 }, clock);

    // Act
    await fetch(`${caching.url}/orders`, bearer('token-1'));
    clock.advance(59_000);
    await fetch(`${caching.url}/orders`, bearer('token-1'));
    clock.advance(2_000);
    await fetch(`${caching.url}/orders`, bearer('token-1'));
    await fetch(`${uncached.url}/orders`, bearer('token-1'));
    await fetch(`${uncached.url}/orders`, bearer('token-1'));

    // Assess
    expect(cachingFunctions.callsTo('jwtAuthorizer')).toHaveLength(2);
    expect(uncachedFunctions.callsTo('jwtAuthorizer')).toHaveLength(2);
  });

  it('answers 401 without invoking when the token does not match IdentityValidationExpression', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('jwtAuthorizer', policy('Allow', '*'));
    const api = await serveProtectedOrders(functions, { IdentityValidationExpression: 'Bearer [\\w.-]+' });

    // Act
    const malformed = await fetch(`${api.url}/orders`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    const wellFormed = await fetch(`${api.url}/orders`, bearer('a.b.c'));

    // Assess
    expect(malformed.status).toBe(401);
    expect(wellFormed.status).toBe(200);
    expect(functions.callsTo('jwtAuthorizer')).toHaveLength(1);
  });

  it('answers 401 without invoking a REQUEST authorizer when an identity source is missing', async () => {
    // Prepare
    const functions = new FakeFunctions()
      .returning('tenantAuthorizer', policy('Allow', '*'))
      .returning('h', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/orders', method: 'GET', function: 'h', authorizer: 'TenantAuthorizer' }],
      authorizers: [
        {
          logicalId: 'TenantAuthorizer',
          properties: {
            Type: 'REQUEST',
            AuthorizerUri: tokenAuthorizer('x', 'tenantAuthorizer').properties.AuthorizerUri,
            IdentitySource: 'method.request.header.Authorization,method.request.querystring.tenant',
            AuthorizerResultTtlInSeconds: 300,
          },
        },
      ],
    });
    const api = await serveApi(definition, functions);

    // Act
    const withoutTenant = await fetch(`${api.url}/orders`, bearer('token-1'));
    const complete = await fetch(`${api.url}/orders?tenant=t-1`, bearer('token-1'));
    const cached = await fetch(`${api.url}/orders?tenant=t-1&page=2`, bearer('token-1'));

    // Assess
    expect([withoutTenant.status, complete.status, cached.status]).toEqual([401, 200, 200]);
    expect(functions.callsTo('tenantAuthorizer')).toHaveLength(1);
  });
});
