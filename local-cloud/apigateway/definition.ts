/**
 * The input the integrator hands to the API Gateway module: the REST API's CloudFormation resources with every
 * intrinsic already resolved, plus the physical ids it assigned. Properties keep the template's casing.
 */
import type { UsageMeter } from '../metering.js';

/**
 * One resolved `AWS::ApiGateway::*` resource: its logical id, the physical id assigned to it and its Properties.
 * @public Part of the service's API (index.ts).
 */
export interface ResolvedApiGatewayResource<TProperties = Record<string, unknown>> {
  logicalId: string;
  id: string;
  properties: TProperties;
}

/**
 * Properties of an `AWS::ApiGateway::Resource`.
 * @public Part of the service's API (index.ts).
 */
export interface ApiResourceProperties {
  /** Another resource's id, or the REST API's root resource id. */
  ParentId: string;
  PathPart: string;
  RestApiId?: string;
}

/** Properties of an `AWS::ApiGateway::GatewayResponse`. */
export interface GatewayResponseProperties {
  ResponseType: string;
  StatusCode?: string;
  ResponseParameters?: Record<string, string>;
  ResponseTemplates?: Record<string, string>;
  RestApiId?: string;
}

/** A REST (v1) API as synthesized by CDK's `RestApi`, resolved by the integrator. */
export interface RestApiDefinition {
  restApi: ResolvedApiGatewayResource;
  resources: Array<ResolvedApiGatewayResource<ApiResourceProperties>>;
  /** The id of the API's root (`/`) resource, the `RootResourceId` attribute of the RestApi. */
  rootResourceId: string;
  /** `AWS::ApiGateway::Method` resources: HttpMethod, ResourceId, AuthorizationType, AuthorizerId, Integration... */
  methods: Array<{ logicalId: string; properties: Record<string, unknown> }>;
  /** `AWS::ApiGateway::Authorizer` resources: Type, AuthorizerUri, IdentitySource, AuthorizerResultTtlInSeconds... */
  authorizers: ResolvedApiGatewayResource[];
  /** The deployed `AWS::ApiGateway::Stage`: MethodSettings, Variables, TracingEnabled, AccessLogSetting... */
  stage: { stageName: string; properties: Record<string, unknown> };
  gatewayResponses: Array<{ logicalId?: string; properties: GatewayResponseProperties }>;
  /** Not emulated: any usage plan or API key is refused at construction. */
  usagePlans?: unknown[];
  /** Not emulated: any usage plan or API key is refused at construction. */
  apiKeys?: unknown[];
}

/** What the API Gateway module needs from the rest of the local cloud. */
export interface LocalRestApiDeps {
  /**
   * Invokes a Lambda function synchronously (RequestResponse) with a JSON event, on behalf of `sourceArn` (the
   * method's `arn:aws:execute-api:...` or the authorizer's): what the function's `AWS::Lambda::Permission` must allow.
   */
  invokeFunction(
    functionArn: string,
    event: unknown,
    sourceArn: string,
  ): Promise<{ payload: unknown } | { error: { errorType: string; errorMessage: string } }>;
  accountId: string;
  region: string;
  log?: (line: string) => void;
  /** Clock in epoch milliseconds; drives request times, throttling and the authorizer cache. */
  now?: () => number;
  /** Counts what API Gateway bills (requests) and the access log lines CloudWatch Logs bills. */
  meter?: Pick<UsageMeter, 'add'>;
}

/** Thrown at construction for an API Gateway behaviour the local cloud does not emulate. */
export class UnsupportedApiGatewayFeatureError extends Error {
  constructor(
    /** What is not supported, e.g. `integration type HTTP_PROXY`. */
    readonly feature: string,
    /** The logical id (or other locator) of the resource that uses it. */
    readonly where: string,
  ) {
    super(`API Gateway feature not supported by the local cloud: ${feature} (in ${where})`);
    this.name = 'UnsupportedApiGatewayFeatureError';
  }
}

/** Thrown at construction when the definition is inconsistent (a dangling id, a duplicate method...). */
export class InvalidRestApiDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRestApiDefinitionError';
  }
}
