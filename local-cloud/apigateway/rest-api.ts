/**
 * Serves one REST API stage on a Node `RequestListener`, in API Gateway's order: stage, route, throttle, Lambda
 * authorizer, integration; every refusal along the way answers a gateway response.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type AuthorizationRequest, type AuthorizerContext, LambdaAuthorizerRuntime } from './authorizer.js';
import { type CompiledMethod, type CompiledRestApi, compileRestApi } from './compile.js';
import type { LocalRestApiDeps, RestApiDefinition } from './definition.js';
import type { GatewayError, GatewayResponseType } from './gateway-responses.js';
import type { LambdaProxyIntegration, MockIntegration } from './integrations.js';
import {
  type ApiIdentity,
  buildProxyEvent,
  buildRequestAuthorizerEvent,
  methodArn,
  type ProxyResponse,
  type RequestTiming,
  type RoutedRequest,
  readProxyResult,
} from './proxy-event.js';
import {
  type ApiRequest,
  formatRequestTime,
  lastHeaderValue,
  lastQueryValue,
  newRequestIds,
  type RequestIds,
  readApiRequest,
} from './request.js';
import { type RouteMatch, Router } from './router.js';
import { renderTemplate, type TemplateResolver } from './templates.js';
import { TokenBucket } from './throttle.js';

/** A REST API stage ready to be mounted on the local cloud's edge server. */
export interface LocalRestApi {
  listener: RequestListener;
  /** `/<stageName>`: requests are served under it, mirroring `https://{id}.execute-api.{region}.amazonaws.com/{stage}/`. */
  basePath: string;
}

/** State of one request, for gateway responses, `$context` variables and the access log. */
interface Exchange {
  res: ServerResponse;
  requestMethod: string;
  ids: RequestIds;
  timing: RequestTiming;
  request?: ApiRequest;
  match?: RouteMatch;
  authorizer?: AuthorizerContext;
  error?: GatewayError;
  status?: number;
  responseLength?: number;
  integrationLatency?: number;
  integrationStatus?: string;
}

const ERROR_TYPES: Partial<Record<GatewayResponseType, string>> = {
  UNAUTHORIZED: 'UnauthorizedException',
  ACCESS_DENIED: 'AccessDeniedException',
  AUTHORIZER_CONFIGURATION_ERROR: 'AuthorizerConfigurationException',
};

const MISSING_AUTHENTICATION_TOKEN: GatewayError = {
  type: 'MISSING_AUTHENTICATION_TOKEN',
  message: 'Missing Authentication Token',
  errorType: 'MissingAuthenticationTokenException',
};
const THROTTLED: GatewayError = {
  type: 'THROTTLED',
  message: 'Too Many Requests',
  errorType: 'TooManyRequestsException',
};
const REQUEST_TOO_LARGE: GatewayError = {
  type: 'REQUEST_TOO_LARGE',
  message: 'Request Too Long',
  errorType: 'RequestTooLongException',
};
const INTEGRATION_TIMEOUT: GatewayError = {
  type: 'INTEGRATION_TIMEOUT',
  message: 'Endpoint request timed out',
  errorType: 'InternalServerErrorException',
};
/** A function error or malformed result: a 502 that only the `DEFAULT_5XX` customization applies to. */
const LAMBDA_FAILURE: GatewayError = {
  type: 'DEFAULT_5XX',
  statusCode: 502,
  message: 'Internal server error',
  errorType: 'InternalServerErrorException',
};
const INVOCATION_FAILURE: GatewayError = {
  type: 'API_CONFIGURATION_ERROR',
  message: 'Internal server error',
  errorType: 'InternalServerErrorException',
};

class RestApiStage {
  private readonly router: Router;
  private readonly identity: ApiIdentity;
  private readonly authorizers = new Map<string, LambdaAuthorizerRuntime>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly now: () => number;
  readonly basePath: string;

  constructor(
    private readonly api: CompiledRestApi,
    private readonly deps: LocalRestApiDeps,
  ) {
    this.router = new Router(api.resources);
    this.now = deps.now ?? Date.now;
    this.basePath = `/${api.stageName}`;
    this.identity = {
      accountId: deps.accountId,
      region: deps.region,
      apiId: api.apiId,
      stageName: api.stageName,
      stageVariables: api.stageVariables,
    };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.deps.meter?.add('apigateway.requests');
    const startedAt = this.now();
    const clientTrace = req.headers['x-amzn-trace-id'];
    const exchange: Exchange = {
      res,
      requestMethod: (req.method ?? 'GET').toUpperCase(),
      ids: newRequestIds(startedAt, typeof clientTrace === 'string' ? clientTrace : undefined),
      timing: { requestTime: formatRequestTime(startedAt), requestTimeEpoch: startedAt },
    };
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const stagePath = queryAt >= 0 ? url.slice(0, queryAt) : url;
    if (stagePath !== this.basePath && !stagePath.startsWith(`${this.basePath}/`)) {
      // An unknown stage is refused before the API (and its gateway responses) is even selected.
      req.resume();
      const headers: Array<[string, string]> = [
        ['Content-Type', 'application/json'],
        ['x-amzn-ErrorType', 'ForbiddenException'],
      ];
      this.send(exchange, 403, headers, '{"message":"Forbidden"}');
      return;
    }
    const request = await readApiRequest(
      req,
      {
        stagePath,
        path: stagePath.slice(this.basePath.length) || '/',
        rawQuery: queryAt >= 0 ? url.slice(queryAt + 1) : '',
      },
      exchange.ids.traceId,
    );
    exchange.request = request;
    if (request.bodyTooLarge) return this.fail(exchange, REQUEST_TOO_LARGE);

    const match = this.router.match(request.httpMethod, request.path);
    if (!match) return this.fail(exchange, MISSING_AUTHENTICATION_TOKEN);
    exchange.match = match;
    if (!this.takeThrottleToken(match.method)) return this.fail(exchange, THROTTLED);

    if (match.method.authorizer) {
      const runtime = this.authorizerRuntime(match.method);
      const outcome = await runtime.authorize(this.authorizationRequest(exchange, request, match));
      if (outcome.authorizerContext) exchange.authorizer = outcome.authorizerContext;
      if (outcome.kind === 'refused') {
        return this.fail(exchange, {
          type: outcome.responseType,
          message: outcome.message,
          errorType: ERROR_TYPES[outcome.responseType] ?? 'InternalServerErrorException',
        });
      }
    }

    const integration = match.method.integration;
    if (integration.kind === 'MOCK') return this.answerMock(exchange, request, integration);
    return this.invokeLambdaProxy(exchange, request, match, integration);
  }

  private takeThrottleToken(method: CompiledMethod): boolean {
    if (!method.throttle) return true;
    let bucket = this.buckets.get(method.logicalId);
    if (!bucket) {
      bucket = new TokenBucket(method.throttle, this.now);
      this.buckets.set(method.logicalId, bucket);
    }
    return bucket.tryTake();
  }

  private authorizerRuntime(method: CompiledMethod): LambdaAuthorizerRuntime {
    const authorizer = method.authorizer;
    if (!authorizer) throw new Error(`${method.logicalId} has no authorizer`);
    let runtime = this.authorizers.get(authorizer.id);
    if (!runtime) {
      runtime = new LambdaAuthorizerRuntime(authorizer, {
        invokeFunction: (functionArn, event, sourceArn) => this.deps.invokeFunction(functionArn, event, sourceArn),
        ...(this.deps.log ? { log: this.deps.log } : {}),
        now: this.now,
      });
      this.authorizers.set(authorizer.id, runtime);
    }
    return runtime;
  }

  private routed(exchange: Exchange, request: ApiRequest, match: RouteMatch): RoutedRequest {
    return { api: this.identity, request, match, ids: exchange.ids, timing: exchange.timing };
  }

  private authorizationRequest(exchange: Exchange, request: ApiRequest, match: RouteMatch): AuthorizationRequest {
    return {
      methodArn: methodArn(this.identity, request),
      header: (name) => lastHeaderValue(request.headers, name),
      queryParameter: (name) => lastQueryValue(request.query, name),
      stageVariable: (name) => this.api.stageVariables?.[name],
      requestEvent: () => buildRequestAuthorizerEvent(this.routed(exchange, request, match)),
    };
  }

  private answerMock(exchange: Exchange, request: ApiRequest, integration: MockIntegration): void {
    const headers: Array<[string, string]> = [['Content-Type', 'application/json'], ...integration.headers];
    const origin = lastHeaderValue(request.headers, 'Origin');
    if (origin !== undefined && integration.echoedOrigins.includes(origin)) {
      const index = headers.findIndex(([name]) => name.toLowerCase() === 'access-control-allow-origin');
      if (index >= 0) headers.splice(index, 1);
      headers.push(['Access-Control-Allow-Origin', origin]);
    }
    this.send(exchange, integration.statusCode, headers, '');
  }

  private async invokeLambdaProxy(
    exchange: Exchange,
    request: ApiRequest,
    match: RouteMatch,
    integration: LambdaProxyIntegration,
  ): Promise<void> {
    const event = buildProxyEvent(this.routed(exchange, request, match), exchange.authorizer);
    const where = `${match.method.httpMethod} ${match.resource.path} -> ${integration.functionArn}`;
    const startedAt = this.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed-out'>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), integration.timeoutMs);
    });
    let outcome: Awaited<ReturnType<LocalRestApiDeps['invokeFunction']>> | 'timed-out';
    try {
      // The invocation keeps running after a timeout, as in AWS; its late result is dropped.
      const sourceArn = methodArn(this.identity, request);
      outcome = await Promise.race([this.deps.invokeFunction(integration.functionArn, event, sourceArn), timedOut]);
    } catch (error) {
      this.deps.log?.(`${where}: invocation failed: ${error instanceof Error ? error.message : String(error)}`);
      return this.fail(exchange, INVOCATION_FAILURE);
    } finally {
      clearTimeout(timer);
    }
    exchange.integrationLatency = Math.max(0, this.now() - startedAt);
    if (outcome === 'timed-out') {
      this.deps.log?.(`${where}: no result within ${integration.timeoutMs} ms`);
      return this.fail(exchange, INTEGRATION_TIMEOUT);
    }
    exchange.integrationStatus = '200';
    if ('error' in outcome) {
      this.deps.log?.(`${where}: function error ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      return this.fail(exchange, LAMBDA_FAILURE);
    }
    let response: ProxyResponse;
    try {
      response = readProxyResult(decodePayload(outcome.payload));
    } catch (error) {
      this.deps.log?.(`${where}: ${(error as Error).message}`);
      return this.fail(exchange, LAMBDA_FAILURE);
    }
    this.send(exchange, response.statusCode, response.headers, response.body);
  }

  private fail(exchange: Exchange, error: GatewayError): void {
    exchange.error = error;
    const request = exchange.request;
    const rendered = this.api.gatewayResponses.render(error, {
      header: (name) => (request ? lastHeaderValue(request.headers, name) : undefined),
      queryParameter: (name) => (request ? lastQueryValue(request.query, name) : undefined),
      pathParameter: (name) => exchange.match?.pathParameters?.[name],
      resolve: this.contextResolver(exchange),
    });
    this.send(exchange, rendered.statusCode, rendered.headers, rendered.body);
  }

  private send(exchange: Exchange, statusCode: number, headers: Array<[string, string]>, body: string): void {
    // 204 and 304 carry no body by definition; anything the function put there is dropped, not mis-framed.
    const bodiless = statusCode === 204 || statusCode === 304;
    const payload = bodiless ? '' : body;
    const own: Array<[string, string]> = [
      ['x-amzn-RequestId', exchange.ids.requestId],
      ['x-amz-apigw-id', exchange.ids.extendedRequestId],
      ['X-Amzn-Trace-Id', exchange.ids.traceId],
    ];
    if (!bodiless) own.push(['Content-Length', String(Buffer.byteLength(payload))]);
    const ownNames = new Set(own.map(([name]) => name.toLowerCase()));
    const flat = [...headers.filter(([name]) => !ownNames.has(name.toLowerCase())), ...own].flat();
    exchange.res.writeHead(statusCode, flat);
    exchange.res.end(exchange.requestMethod === 'HEAD' ? undefined : payload);
    exchange.status = statusCode;
    exchange.responseLength = Buffer.byteLength(payload);
    if (this.api.accessLogFormat) {
      const line = renderTemplate(this.api.accessLogFormat, this.contextResolver(exchange), '-');
      this.deps.meter?.add('logs.ingestedBytes', Buffer.byteLength(line) + 1);
      this.deps.log?.(line);
    }
  }

  /** `$context.*` and `$stageVariables.*` values of one request. */
  private contextResolver(exchange: Exchange): TemplateResolver {
    return (path) => {
      if (path.startsWith('stageVariables.')) return this.api.stageVariables?.[path.slice('stageVariables.'.length)];
      const variable = path.slice('context.'.length);
      if (variable.startsWith('authorizer.')) {
        const key = variable.slice('authorizer.'.length);
        const value =
          exchange.authorizer && Object.hasOwn(exchange.authorizer, key) ? exchange.authorizer[key] : undefined;
        return value === undefined || value === null ? undefined : String(value);
      }
      const { request, match, ids, timing } = exchange;
      const values: Record<string, string | number | undefined | null> = {
        accountId: this.identity.accountId,
        apiId: this.identity.apiId,
        domainName: `${this.identity.apiId}.execute-api.${this.identity.region}.amazonaws.com`,
        domainPrefix: this.identity.apiId,
        extendedRequestId: ids.extendedRequestId,
        httpMethod: exchange.requestMethod,
        path: request?.stagePath,
        protocol: request?.protocol,
        requestId: ids.requestId,
        requestTime: timing.requestTime,
        requestTimeEpoch: timing.requestTimeEpoch,
        resourceId: match?.resource.id,
        resourcePath: match?.resource.path,
        stage: this.identity.stageName,
        xrayTraceId: ids.traceId.replace(/^Root=/, ''),
        'identity.sourceIp': request?.sourceIp,
        'identity.userAgent': request?.userAgent,
        'error.message': exchange.error?.message,
        'error.messageString': exchange.error ? JSON.stringify(exchange.error.message) : undefined,
        'error.responseType': exchange.error?.type,
        status: exchange.status,
        responseLength: exchange.responseLength,
        responseLatency: exchange.status === undefined ? undefined : this.now() - timing.requestTimeEpoch,
        integrationLatency: exchange.integrationLatency,
        'integration.latency': exchange.integrationLatency,
        integrationStatus: exchange.integrationStatus,
        'integration.status': exchange.integrationStatus,
      };
      const value = Object.hasOwn(values, variable) ? values[variable] : undefined;
      return value === undefined || value === null ? undefined : String(value);
    };
  }
}

/** The payload is the function's parsed JSON result; raw bytes (if a caller hands them over) are parsed here. */
function decodePayload(payload: unknown): unknown {
  if (payload instanceof Uint8Array) return JSON.parse(Buffer.from(payload).toString('utf8'));
  return payload;
}

/**
 * Builds a local REST API stage from its resolved CloudFormation definition. Throws
 * `UnsupportedApiGatewayFeatureError` for any behaviour-changing setting that is not emulated.
 */
export function createLocalRestApi(definition: RestApiDefinition, deps: LocalRestApiDeps): LocalRestApi {
  const stage = new RestApiStage(compileRestApi(definition), deps);
  const listener: RequestListener = (req, res) => {
    stage.handle(req, res).catch((error: unknown) => {
      deps.log?.(
        `apigateway: request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"message":"Internal server error"}');
      } else {
        res.destroy();
      }
    });
  };
  return { listener, basePath: stage.basePath };
}
