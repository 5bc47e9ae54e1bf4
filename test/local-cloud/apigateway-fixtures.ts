/**
 * Helpers for the API Gateway tests: definitions written by hand in the shape the integrator produces, fake Lambda
 * functions, and a loopback server per test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createLocalRestApi,
  type LocalRestApiDeps,
  type RestApiDefinition,
} from '../../local-cloud/apigateway/index.js';

export const ACCOUNT_ID = '000000000000';
export const REGION = 'us-east-1';
export const API_ID = 'a1b2c3d4e5';
const ROOT_ID = 'rootres001';

function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
}

export function invocationUri(name: string): string {
  return `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${functionArn(name)}/invocations`;
}

export interface RouteSpec {
  path: string;
  method: string;
  /** The Lambda function behind the route (proxy integration). */
  function?: string;
  /** Logical id of an authorizer from `ApiSpec.authorizers`. */
  authorizer?: string;
  /** Extra or overriding Method properties. */
  properties?: Record<string, unknown>;
}

export interface ApiSpec {
  routes: RouteSpec[];
  authorizers?: Array<{ logicalId: string; properties: Record<string, unknown> }>;
  stageName?: string;
  stageProperties?: Record<string, unknown>;
  gatewayResponses?: RestApiDefinition['gatewayResponses'];
  restApiProperties?: Record<string, unknown>;
}

/** A TOKEN authorizer on the `Authorization` header, as CDK's `TokenAuthorizer` synthesizes it. */
export function tokenAuthorizer(logicalId: string, functionName: string, extra: Record<string, unknown> = {}) {
  return {
    logicalId,
    properties: {
      Name: logicalId,
      RestApiId: API_ID,
      Type: 'TOKEN',
      AuthorizerUri: invocationUri(functionName),
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
      ...extra,
    },
  };
}

/** Builds the definition, creating one `AWS::ApiGateway::Resource` per distinct path part. */
export function restApiDefinition(spec: ApiSpec): RestApiDefinition {
  const resources: RestApiDefinition['resources'] = [];
  const idsByPath = new Map<string, string>([['/', ROOT_ID]]);
  const resourceId = (path: string): string => {
    const known = idsByPath.get(path);
    if (known) return known;
    const parentPath = path.slice(0, path.lastIndexOf('/')) || '/';
    const parentId = resourceId(parentPath);
    const id = `res${String(resources.length + 1).padStart(4, '0')}`;
    resources.push({
      logicalId: `Resource${resources.length + 1}`,
      id,
      properties: { ParentId: parentId, PathPart: path.slice(path.lastIndexOf('/') + 1), RestApiId: API_ID },
    });
    idsByPath.set(path, id);
    return id;
  };
  const authorizerIds = new Map((spec.authorizers ?? []).map((a, index) => [a.logicalId, `auth${index + 1}`]));
  const methods = spec.routes.map((route, index) => ({
    logicalId: `Method${index + 1}`,
    properties: {
      HttpMethod: route.method,
      ResourceId: resourceId(route.path),
      RestApiId: API_ID,
      AuthorizationType: route.authorizer ? 'CUSTOM' : 'NONE',
      ...(route.authorizer ? { AuthorizerId: authorizerIds.get(route.authorizer) } : {}),
      Integration: {
        Type: 'AWS_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: invocationUri(route.function ?? 'handler'),
      },
      ...route.properties,
    },
  }));
  return {
    restApi: { logicalId: 'Api', id: API_ID, properties: { Name: 'sagastack-api', ...spec.restApiProperties } },
    resources,
    rootResourceId: ROOT_ID,
    methods,
    authorizers: (spec.authorizers ?? []).map((authorizer) => ({
      logicalId: authorizer.logicalId,
      id: authorizerIds.get(authorizer.logicalId) as string,
      properties: authorizer.properties,
    })),
    stage: {
      stageName: spec.stageName ?? 'prod',
      properties: { StageName: spec.stageName ?? 'prod', RestApiId: API_ID, ...spec.stageProperties },
    },
    gatewayResponses: spec.gatewayResponses ?? [],
  };
}

type InvokeOutcome = Awaited<ReturnType<LocalRestApiDeps['invokeFunction']>>;
type FakeHandler = (event: Record<string, unknown>) => InvokeOutcome | Promise<InvokeOutcome>;

/** Fake Lambda functions by name, recording every invocation. */
export class FakeFunctions {
  readonly calls: Array<{ name: string; event: Record<string, unknown> }> = [];
  private readonly handlers = new Map<string, FakeHandler>();

  on(name: string, handler: FakeHandler): this {
    this.handlers.set(name, handler);
    return this;
  }

  /** Shorthand for a function that always returns `result` as its payload. */
  returning(name: string, result: unknown): this {
    return this.on(name, () => ({ payload: result }));
  }

  callsTo(name: string): Array<Record<string, unknown>> {
    return this.calls.filter((call) => call.name === name).map((call) => call.event);
  }

  /** The event of the first invocation of `name`; fails the test when there was none. */
  firstEventOf(name: string): Record<string, unknown> {
    const [event] = this.callsTo(name);
    if (!event) throw new Error(`${name} was not invoked`);
    return event;
  }

  readonly invokeFunction: LocalRestApiDeps['invokeFunction'] = async (arn, event) => {
    const name = arn.slice(arn.lastIndexOf(':') + 1);
    this.calls.push({ name, event: event as Record<string, unknown> });
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`Function not found: ${arn}`);
    return handler(event as Record<string, unknown>);
  };
}

/** An allow-or-deny authorizer result for the given resource. */
export function policy(effect: 'Allow' | 'Deny', resource: string | string[], extra: Record<string, unknown> = {}) {
  return {
    principalId: 'user-123',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
    },
    ...extra,
  };
}

export const okResult = (body: unknown = { ok: true }) => ({ statusCode: 200, body: JSON.stringify(body) });

export interface ServedApi {
  /** `http://127.0.0.1:<port>/<stage>`. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

const servers: Server[] = [];

/** Serves a definition on 127.0.0.1:0. */
export async function serveApi(
  definition: RestApiDefinition,
  functions: FakeFunctions,
  options: Partial<LocalRestApiDeps> = {},
): Promise<ServedApi> {
  const { listener, basePath } = createLocalRestApi(definition, {
    invokeFunction: functions.invokeFunction,
    accountId: ACCOUNT_ID,
    region: REGION,
    ...options,
  });
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}${basePath}`,
    origin,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Closes every server opened by `serveApi` (call from `afterEach`). */
export async function closeServedApis(): Promise<void> {
  const open = servers.splice(0);
  await Promise.all(
    open.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
}

/** A settable clock for the throttling and authorizer-cache tests. */
export class ManualClock {
  constructor(public time = Date.UTC(2025, 0, 15, 10, 30, 0)) {}
  readonly now = (): number => this.time;
  advance(milliseconds: number): void {
    this.time += milliseconds;
  }
}
