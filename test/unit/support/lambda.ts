/** What every handler test needs to call a Lambda handler directly: a context, API events, and reading responses. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export const lambdaContext = {
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  memoryLimitInMB: '256',
  awsRequestId: '1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

/** Who calls, as the authorizer puts it into the request context. */
export interface Caller {
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly string[];
}

export interface ApiEventOptions {
  readonly caller: Caller;
  readonly method?: string;
  readonly pathParameters?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (to send malformed JSON). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** A REST API (v1) proxy event as API Gateway sends it after the authorizer allowed `caller`. */
export function apiEvent(options: ApiEventOptions): APIGatewayProxyEvent {
  const { caller } = options;
  const body =
    options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    body,
    headers: { 'X-Correlation-Id': 'corr-test-0001', ...options.headers },
    multiValueHeaders: {},
    httpMethod: options.method ?? 'GET',
    isBase64Encoded: false,
    path: '/',
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/',
    requestContext: {
      requestId: 'request-0001',
      authorizer: { principalId: caller.sub, tenant: caller.tenant, roles: caller.roles.join(',') },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** The JSON body of an API response, loosely typed so that assertions can reach into any of its shapes. */
// biome-ignore lint/suspicious/noExplicitAny: tests navigate arbitrary response JSON and assert on it
export function bodyOf(response: APIGatewayProxyResult): any {
  return JSON.parse(response.body);
}
