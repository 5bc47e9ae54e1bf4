/**
 * The Lambda proxy integration's wire shapes for REST APIs (payload format 1.0): the event a function receives,
 * the REQUEST authorizer event, and the reading of the function's `{ statusCode, headers, body }` result.
 */
import type { AuthorizerContext } from './authorizer.js';
import type { ApiRequest, RequestIds } from './request.js';
import type { RouteMatch } from './router.js';

/** What identifies the deployed API in events and ARNs. */
export interface ApiIdentity {
  accountId: string;
  region: string;
  apiId: string;
  stageName: string;
  stageVariables: Record<string, string> | null;
}

export interface RequestTiming {
  requestTime: string;
  requestTimeEpoch: number;
}

/** `arn:aws:execute-api:region:account:apiId/stage/VERB/path`, what authorizer policies are matched against. */
export function methodArn(api: ApiIdentity, request: ApiRequest): string {
  return `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stageName}/${request.httpMethod}${request.path}`;
}

function singleAndMultiValue(entries: ReadonlyArray<[string, string]>): {
  single: Record<string, string>;
  multi: Record<string, string[]>;
} {
  // Maps, then fromEntries: a client-chosen name such as `__proto__` must stay an ordinary key.
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const [name, value] of entries) {
    single.set(name, value);
    multi.set(name, [...(multi.get(name) ?? []), value]);
  }
  return { single: Object.fromEntries(single), multi: Object.fromEntries(multi) };
}

/** One request as the stage routed it: what the proxy event and the REQUEST authorizer event are built from. */
export interface RoutedRequest {
  api: ApiIdentity;
  request: ApiRequest;
  match: RouteMatch;
  ids: RequestIds;
  timing: RequestTiming;
}

function requestContext({ api, request, match, ids, timing }: RoutedRequest): Record<string, unknown> {
  return {
    resourceId: match.resource.id,
    resourcePath: match.resource.path,
    ...(match.method.operationName ? { operationName: match.method.operationName } : {}),
    httpMethod: request.httpMethod,
    extendedRequestId: ids.extendedRequestId,
    requestTime: timing.requestTime,
    path: request.stagePath,
    accountId: api.accountId,
    protocol: request.protocol,
    stage: api.stageName,
    domainPrefix: api.apiId,
    requestTimeEpoch: timing.requestTimeEpoch,
    requestId: ids.requestId,
    identity: {
      cognitoIdentityPoolId: null,
      accountId: null,
      cognitoIdentityId: null,
      caller: null,
      sourceIp: request.sourceIp,
      principalOrgId: null,
      accessKey: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      userArn: null,
      userAgent: request.userAgent,
      user: null,
    },
    domainName: `${api.apiId}.execute-api.${api.region}.amazonaws.com`,
    apiId: api.apiId,
  };
}

/** The REST API proxy event (`APIGatewayProxyEvent`). */
export function buildProxyEvent(
  routed: RoutedRequest,
  authorizer: AuthorizerContext | undefined,
): Record<string, unknown> {
  const { api, request, match } = routed;
  const headers = singleAndMultiValue(request.headers);
  const query = singleAndMultiValue(request.query);
  const hasQuery = request.query.length > 0;
  return {
    resource: match.resource.path,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: hasQuery ? query.single : null,
    multiValueQueryStringParameters: hasQuery ? query.multi : null,
    pathParameters: match.pathParameters,
    stageVariables: api.stageVariables,
    requestContext: {
      ...requestContext(routed),
      ...(authorizer ? { authorizer } : {}),
    },
    body: request.body,
    isBase64Encoded: false,
  };
}

/** The REQUEST authorizer event; unlike the proxy event, empty maps are `{}` rather than `null`. */
export function buildRequestAuthorizerEvent(routed: RoutedRequest): Record<string, unknown> {
  const { api, request, match } = routed;
  const headers = singleAndMultiValue(request.headers);
  const query = singleAndMultiValue(request.query);
  return {
    type: 'REQUEST',
    methodArn: methodArn(api, request),
    resource: match.resource.path,
    path: request.path,
    httpMethod: request.httpMethod,
    headers: headers.single,
    multiValueHeaders: headers.multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: match.pathParameters ?? {},
    stageVariables: api.stageVariables ?? {},
    requestContext: requestContext(routed),
  };
}

/** A function result API Gateway cannot turn into a response: answered 502 `Internal server error`. */
class MalformedProxyResponseError extends Error {
  constructor(reason: string) {
    super(`Malformed Lambda proxy response: ${reason}`);
    this.name = 'MalformedProxyResponseError';
  }
}

export interface ProxyResponse {
  statusCode: number;
  headers: Array<[string, string]>;
  body: string;
}

/** Headers the local server computes itself; a value from the function would corrupt the framing. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

function headerScalar(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new MalformedProxyResponseError(`${where} must be a string, number or boolean`);
}

function objectOrNothing(value: unknown, member: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new MalformedProxyResponseError(`${member} is not a map`);
  return value as Record<string, unknown>;
}

/** Reads a proxy result, merging `headers` and `multiValueHeaders` (the latter wins for a name in both). */
export function readProxyResult(payload: unknown): ProxyResponse {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new MalformedProxyResponseError('the result is not an object');
  }
  const result = payload as Record<string, unknown>;
  const statusCode = typeof result.statusCode === 'string' ? Number(result.statusCode) : result.statusCode;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedProxyResponseError('statusCode is not an HTTP status code');
  }
  if (result.body !== undefined && result.body !== null && typeof result.body !== 'string') {
    throw new MalformedProxyResponseError('body is not a string');
  }
  if (result.isBase64Encoded !== undefined && typeof result.isBase64Encoded !== 'boolean') {
    throw new MalformedProxyResponseError('isBase64Encoded is not a boolean');
  }
  const multiValueHeaders = objectOrNothing(result.multiValueHeaders, 'multiValueHeaders');
  const multiValueNames = new Set(Object.keys(multiValueHeaders).map((name) => name.toLowerCase()));
  const headers: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(objectOrNothing(result.headers, 'headers'))) {
    if (value === undefined || value === null || multiValueNames.has(name.toLowerCase())) continue;
    headers.push([name, headerScalar(value, `headers.${name}`)]);
  }
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    if (values === undefined || values === null) continue;
    if (!Array.isArray(values)) throw new MalformedProxyResponseError(`multiValueHeaders.${name} is not a list`);
    for (const value of values) headers.push([name, headerScalar(value, `multiValueHeaders.${name}`)]);
  }
  if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) {
    headers.push(['Content-Type', 'application/json']);
  }
  // Without binary media types, API Gateway passes a base64 body through as text, so isBase64Encoded changes nothing.
  return {
    statusCode,
    headers: headers.filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase())),
    body: (result.body as string | null | undefined) ?? '',
  };
}
