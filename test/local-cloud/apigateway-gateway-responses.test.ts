import { afterEach, describe, expect, it } from 'vitest';
import {
  closeServedApis,
  FakeFunctions,
  okResult,
  policy,
  restApiDefinition,
  serveApi,
  tokenAuthorizer,
} from './apigateway-fixtures.js';

/** The project's error envelope, as its CDK stack declares it on DEFAULT_4XX / DEFAULT_5XX. */
const ENVELOPE_TEMPLATE =
  '{"error":{"code":"$context.error.responseType","message":$context.error.messageString,"correlationId":"$context.requestId"}}';

const envelopeResponses = [
  {
    properties: {
      ResponseType: 'DEFAULT_4XX',
      ResponseParameters: {
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
        'gatewayresponse.header.X-Correlation-Id': 'method.request.header.X-Correlation-Id',
      },
      ResponseTemplates: { 'application/json': ENVELOPE_TEMPLATE },
    },
  },
  {
    properties: {
      ResponseType: 'DEFAULT_5XX',
      ResponseTemplates: { 'application/json': ENVELOPE_TEMPLATE },
    },
  },
];

describe('API Gateway gateway responses', () => {
  afterEach(closeServedApis);

  it('renders DEFAULT_4XX for a 401 with $context variables and response headers', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('auth', policy('Allow', '*')).returning('h', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/orders', method: 'GET', function: 'h', authorizer: 'Auth' }],
      authorizers: [tokenAuthorizer('Auth', 'auth')],
      gatewayResponses: envelopeResponses,
    });
    const api = await serveApi(definition, functions);

    // Act
    const response = await fetch(`${api.url}/orders`, { headers: { 'X-Correlation-Id': 'corr-1' } });

    // Assess
    expect(response.status).toBe(401);
    const requestId = response.headers.get('x-amzn-requestid');
    expect(await response.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'Unauthorized', correlationId: requestId },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-correlation-id')).toBe('corr-1');
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('renders DEFAULT_5XX for a failed function and for an authorizer configuration error', async () => {
    // Prepare
    const functions = new FakeFunctions()
      .on('auth', () => ({ error: { errorType: 'Error', errorMessage: 'bad key' } }))
      .on('h', () => ({ error: { errorType: 'Error', errorMessage: 'boom' } }));
    const definition = restApiDefinition({
      routes: [
        { path: '/orders', method: 'GET', function: 'h' },
        { path: '/admin', method: 'GET', function: 'h', authorizer: 'Auth' },
      ],
      authorizers: [tokenAuthorizer('Auth', 'auth')],
      gatewayResponses: envelopeResponses,
    });
    const api = await serveApi(definition, functions);

    // Act
    const failed = await fetch(`${api.url}/orders`);
    const misconfigured = await fetch(`${api.url}/admin`, { headers: { Authorization: 'Bearer t' } });

    // Assess
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ error: { code: 'DEFAULT_5XX', message: 'Internal server error' } });
    expect(misconfigured.status).toBe(500);
    expect(await misconfigured.json()).toMatchObject({
      error: { code: 'AUTHORIZER_CONFIGURATION_ERROR', message: null },
    });
  });

  it('prefers a specific response type over the fallback, with its own status code and authorizer context', async () => {
    // Prepare
    const functions = new FakeFunctions()
      .returning('auth', policy('Deny', '*', { context: { reason: 'account-suspended' } }))
      .returning('h', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/orders', method: 'GET', function: 'h', authorizer: 'Auth' }],
      authorizers: [tokenAuthorizer('Auth', 'auth')],
      gatewayResponses: [
        ...envelopeResponses,
        {
          properties: {
            ResponseType: 'ACCESS_DENIED',
            StatusCode: '404',
            ResponseParameters: { 'gatewayresponse.header.X-Denied-For': 'context.authorizer.principalId' },
            ResponseTemplates: {
              'application/json': '{"denied":"$context.authorizer.reason","stage":"$context.stage"}',
            },
          },
        },
      ],
    });
    const api = await serveApi(definition, functions);

    // Act
    const response = await fetch(`${api.url}/orders`, { headers: { Authorization: 'Bearer t' } });

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ denied: 'account-suspended', stage: 'prod' });
    expect(response.headers.get('x-denied-for')).toBe('user-123');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('overrides MISSING_AUTHENTICATION_TOKEN for unmatched routes', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('h', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/orders', method: 'GET', function: 'h' }],
      gatewayResponses: [
        {
          properties: {
            ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
            StatusCode: '404',
            ResponseTemplates: {
              'application/json':
                '{"error":{"code":"NOT_FOUND","message":"No route for $context.httpMethod $context.path"}}',
            },
          },
        },
      ],
    });
    const api = await serveApi(definition, functions);

    // Act
    const response = await fetch(`${api.url}/nope`, { method: 'POST' });

    // Assess
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for POST /prod/nope' } });
  });
});

describe('API Gateway access log', () => {
  afterEach(closeServedApis);

  it('renders the stage access log format through the log callback, with - for unknown variables', async () => {
    // Prepare
    const logs: string[] = [];
    const functions = new FakeFunctions().returning('h', okResult());
    const definition = restApiDefinition({
      routes: [{ path: '/orders/{orderId}', method: 'GET', function: 'h' }],
      stageProperties: {
        AccessLogSetting: {
          DestinationArn: 'arn:aws:logs:us-east-1:000000000000:log-group:api-access',
          Format: '$context.requestId $context.httpMethod $context.resourcePath $context.status $context.waf.error',
        },
      },
    });
    const api = await serveApi(definition, functions, { log: (line) => logs.push(line) });

    // Act
    const response = await fetch(`${api.url}/orders/o-1`);

    // Assess
    expect(logs).toEqual([`${response.headers.get('x-amzn-requestid')} GET /orders/{orderId} 200 -`]);
  });
});
