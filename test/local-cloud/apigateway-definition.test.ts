import { afterEach, describe, expect, it } from 'vitest';
import {
  createLocalRestApi,
  InvalidRestApiDefinitionError,
  type RestApiDefinition,
  UnsupportedApiGatewayFeatureError,
} from '../../local-cloud/apigateway/index.js';
import {
  ACCOUNT_ID,
  type ApiSpec,
  closeServedApis,
  FakeFunctions,
  invocationUri,
  okResult,
  REGION,
  restApiDefinition,
  serveApi,
} from './apigateway-fixtures.js';

function build(definition: RestApiDefinition) {
  return () =>
    createLocalRestApi(definition, {
      invokeFunction: new FakeFunctions().invokeFunction,
      accountId: ACCOUNT_ID,
      region: REGION,
    });
}

const route = (properties: Record<string, unknown>): ApiSpec => ({
  routes: [{ path: '/orders', method: 'GET', function: 'h', properties }],
});

describe('API Gateway definition checks', () => {
  it.each<[string, ApiSpec, RegExp]>([
    [
      'an HTTP_PROXY integration',
      route({ Integration: { Type: 'HTTP_PROXY', IntegrationHttpMethod: 'GET', Uri: 'https://example.com' } }),
      /integration type HTTP_PROXY/,
    ],
    [
      'a non-proxy Lambda integration',
      route({ Integration: { Type: 'AWS', IntegrationHttpMethod: 'POST', Uri: invocationUri('h') } }),
      /integration type AWS\b/,
    ],
    ['a method requiring an API key', route({ ApiKeyRequired: true }), /ApiKeyRequired/],
    ['a request validator', route({ RequestValidatorId: 'validator-1' }), /request validators/],
    ['request models', route({ RequestModels: { 'application/json': 'OrderModel' } }), /request models/],
    ['IAM authorization', route({ AuthorizationType: 'AWS_IAM' }), /AuthorizationType AWS_IAM/],
    [
      'a Cognito authorizer',
      {
        routes: [{ path: '/orders', method: 'GET', function: 'h' }],
        authorizers: [
          { logicalId: 'Pool', properties: { Type: 'COGNITO_USER_POOLS', ProviderARNs: ['arn:aws:cognito-idp:x'] } },
        ],
      },
      /COGNITO_USER_POOLS|ProviderARNs/,
    ],
    [
      'binary media types',
      { routes: [{ path: '/orders', method: 'GET' }], restApiProperties: { BinaryMediaTypes: ['image/png'] } },
      /binary media types/,
    ],
    [
      'API caching',
      {
        routes: [{ path: '/orders', method: 'GET' }],
        stageProperties: { MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', CachingEnabled: true }] },
      },
      /API caching/,
    ],
    [
      'a Velocity directive in a gateway response template',
      {
        routes: [{ path: '/orders', method: 'GET' }],
        gatewayResponses: [
          {
            properties: {
              ResponseType: 'DEFAULT_4XX',
              ResponseTemplates: { 'application/json': '#if($context.error.message)x#end' },
            },
          },
        ],
      },
      /Velocity directive/,
    ],
    [
      'an unknown template variable',
      {
        routes: [{ path: '/orders', method: 'GET' }],
        gatewayResponses: [
          { properties: { ResponseType: 'DEFAULT_5XX', ResponseTemplates: { 'application/json': '$input.body' } } },
        ],
      },
      /\$input\.body/,
    ],
    ['a property the module does not know', route({ SomethingNew: 'x' }), /property SomethingNew/],
  ])('refuses %s at construction', (_label, spec, message) => {
    // Prepare
    const definition = restApiDefinition(spec);

    // Act
    const act = build(definition);

    // Assess
    expect(act).toThrow(UnsupportedApiGatewayFeatureError);
    expect(act).toThrow(message);
  });

  it('refuses usage plans and API keys', () => {
    // Prepare
    const definition = { ...restApiDefinition({ routes: [{ path: '/orders', method: 'GET' }] }), usagePlans: [{}] };

    // Act
    const act = build(definition);

    // Assess
    expect(act).toThrow(/usage plans and API keys/);
  });

  it('rejects a method on an unknown resource and a duplicate method', () => {
    // Prepare
    const dangling = route({ ResourceId: 'nowhere' });
    const duplicate: ApiSpec = {
      routes: [
        { path: '/orders', method: 'GET' },
        { path: '/orders', method: 'GET' },
      ],
    };

    // Act
    const actDangling = build(restApiDefinition(dangling));
    const actDuplicate = build(restApiDefinition(duplicate));

    // Assess
    expect(actDangling).toThrow(InvalidRestApiDefinitionError);
    expect(actDuplicate).toThrow(/defined twice/);
  });

  it('serves a CDK-style Lambda API and exposes the stage as its base path', () => {
    // Prepare
    const definition = restApiDefinition({
      routes: [
        { path: '/', method: 'ANY' },
        { path: '/{proxy+}', method: 'ANY' },
      ],
      stageName: 'v1',
      stageProperties: {
        TracingEnabled: true,
        MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', LoggingLevel: 'INFO', MetricsEnabled: true }],
      },
    });

    // Act
    const api = build(definition)();

    // Assess
    expect(api.basePath).toBe('/v1');
    expect(typeof api.listener).toBe('function');
  });
});

describe('API Gateway CORS preflight (MOCK integration)', () => {
  afterEach(closeServedApis);

  /** What CDK's `defaultCorsPreflightOptions` synthesizes for the OPTIONS method. */
  function corsPreflight(origins: string[]): Record<string, unknown> {
    const rest = origins.slice(1);
    const template = [
      '#set($origin = $input.params().header.get("Origin"))',
      '#if($origin == "")',
      '  #set($origin = $input.params().header.get("origin"))',
      '#end',
      `#if(${rest.map((origin) => `$origin == "${origin}"`).join(' || ')})`,
      '  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
      '#end',
    ].join('\n');
    return {
      AuthorizationType: 'NONE',
      ApiKeyRequired: false,
      Integration: {
        Type: 'MOCK',
        RequestTemplates: { 'application/json': '{ statusCode: 200 }' },
        IntegrationResponses: [
          {
            StatusCode: '204',
            ResponseParameters: {
              'method.response.header.Access-Control-Allow-Headers': "'Content-Type,Authorization,Idempotency-Key'",
              'method.response.header.Access-Control-Allow-Origin': `'${origins[0]}'`,
              'method.response.header.Vary': "'Origin'",
              'method.response.header.Access-Control-Allow-Methods': "'OPTIONS,GET,POST'",
            },
            ...(rest.length > 0 ? { ResponseTemplates: { 'application/json': template } } : {}),
          },
        ],
      },
      MethodResponses: [{ StatusCode: '204' }],
    };
  }

  it('answers the preflight with the static CORS headers and echoes an additional allowed origin', async () => {
    // Prepare
    const functions = new FakeFunctions().returning('h', okResult());
    const definition = restApiDefinition({
      routes: [
        { path: '/orders', method: 'GET', function: 'h' },
        {
          path: '/orders',
          method: 'OPTIONS',
          properties: corsPreflight(['https://app.example', 'https://admin.example']),
        },
      ],
    });
    const api = await serveApi(definition, functions);

    // Act
    const fromFirst = await fetch(`${api.url}/orders`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example' },
    });
    const fromSecond = await fetch(`${api.url}/orders`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://admin.example' },
    });
    const fromStranger = await fetch(`${api.url}/orders`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example' },
    });

    // Assess
    expect(fromFirst.status).toBe(204);
    expect(fromFirst.headers.get('access-control-allow-methods')).toBe('OPTIONS,GET,POST');
    expect(fromFirst.headers.get('access-control-allow-headers')).toBe('Content-Type,Authorization,Idempotency-Key');
    expect(fromFirst.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(fromSecond.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    expect(fromStranger.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(functions.calls).toHaveLength(0);
  });

  it('refuses a MOCK integration on anything but OPTIONS', () => {
    // Prepare
    const definition = restApiDefinition({
      routes: [{ path: '/orders', method: 'GET', properties: corsPreflight(['*']) }],
    });

    // Act
    const act = build(definition);

    // Assess
    expect(act).toThrow(/MOCK integration on GET/);
  });
});
