/**
 * Lambda authorizers (TOKEN and REQUEST): identity-source checks, the authorizer invocation, the result cache and
 * the policy decision, with API Gateway's outcomes (401 `UNAUTHORIZED`, 403 `ACCESS_DENIED`, 500
 * `AUTHORIZER_CONFIGURATION_ERROR`).
 */
import {
  InvalidRestApiDefinitionError,
  type LocalRestApiDeps,
  UnsupportedApiGatewayFeatureError,
} from './definition.js';
import {
  type AuthorizerPolicy,
  evaluateAuthorizerPolicy,
  MalformedAuthorizerPolicyError,
  parseAuthorizerPolicy,
} from './policy.js';
import { optionalNumber, optionalString, refuseIfSet, refuseUnknownProperties, requiredString } from './properties.js';

interface IdentitySource {
  location: 'header' | 'querystring' | 'stageVariables';
  name: string;
}

/** An `AWS::ApiGateway::Authorizer`, checked. */
export interface CompiledAuthorizer {
  id: string;
  logicalId: string;
  type: 'TOKEN' | 'REQUEST';
  functionArn: string;
  identitySources: IdentitySource[];
  validationPattern?: RegExp;
  ttlSeconds: number;
}

const DEFAULT_TTL_SECONDS = 300;
const AUTHORIZER_URI = /^arn:[^:]+:apigateway:[^:]*:lambda:path\/2015-03-31\/functions\/(arn:[^/]+)\/invocations$/;

function parseIdentitySource(expression: string, where: string): IdentitySource {
  const match = /^(?:method\.request\.(header|querystring)|(stageVariables))\.(.+)$/.exec(expression);
  if (!match) throw new UnsupportedApiGatewayFeatureError(`authorizer identity source ${expression}`, where);
  const location = (match[1] ?? match[2]) as IdentitySource['location'];
  return { location, name: match[3] as string };
}

export function compileAuthorizer(
  authorizer: { logicalId: string; id: string; properties: Record<string, unknown> },
  where: string,
): CompiledAuthorizer {
  const properties = authorizer.properties;
  refuseUnknownProperties(
    properties,
    [
      'Type',
      'AuthorizerUri',
      'IdentitySource',
      'IdentityValidationExpression',
      'AuthorizerResultTtlInSeconds',
      'Name',
      'RestApiId',
      'AuthorizerCredentials',
      'AuthType',
    ],
    where,
  );
  const type = requiredString(properties, 'Type', where);
  if (type !== 'TOKEN' && type !== 'REQUEST') throw new UnsupportedApiGatewayFeatureError(`${type} authorizer`, where);
  const uri = requiredString(properties, 'AuthorizerUri', where);
  const functionArn = AUTHORIZER_URI.exec(uri)?.[1];
  if (!functionArn) throw new UnsupportedApiGatewayFeatureError(`authorizer uri ${uri} (not a Lambda function)`, where);
  const ttlSeconds = optionalNumber(properties, 'AuthorizerResultTtlInSeconds', where) ?? DEFAULT_TTL_SECONDS;
  if (ttlSeconds < 0 || ttlSeconds > 3600) {
    throw new InvalidRestApiDefinitionError(`${where}: AuthorizerResultTtlInSeconds must be within 0..3600`);
  }
  const identitySources = (optionalString(properties, 'IdentitySource', where) ?? '')
    .split(',')
    .map((expression) => expression.trim())
    .filter((expression) => expression.length > 0)
    .map((expression) => parseIdentitySource(expression, where));
  const validationExpression = optionalString(properties, 'IdentityValidationExpression', where);
  if (type === 'TOKEN') {
    if (identitySources.length !== 1 || identitySources[0]?.location !== 'header') {
      throw new InvalidRestApiDefinitionError(`${where}: a TOKEN authorizer needs one method.request.header identity`);
    }
  } else {
    refuseIfSet(
      properties,
      'IdentityValidationExpression',
      'IdentityValidationExpression on a REQUEST authorizer',
      where,
    );
    if (identitySources.length === 0 && ttlSeconds > 0) {
      throw new InvalidRestApiDefinitionError(`${where}: a caching REQUEST authorizer needs an IdentitySource`);
    }
  }
  return {
    id: authorizer.id,
    logicalId: authorizer.logicalId,
    type,
    functionArn,
    identitySources,
    // API Gateway matches the whole token against the expression (Java `matches`), hence the anchors.
    ...(validationExpression ? { validationPattern: new RegExp(`^(?:${validationExpression})$`) } : {}),
    ttlSeconds,
  };
}

/** What the authorizer needs to know about one request. */
export interface AuthorizationRequest {
  methodArn: string;
  header(name: string): string | undefined;
  queryParameter(name: string): string | undefined;
  stageVariable(name: string): string | undefined;
  /** The REQUEST authorizer event (built only when needed). */
  requestEvent(): Record<string, unknown>;
}

/** The authorizer's output as the integration sees it in `requestContext.authorizer`. */
export type AuthorizerContext = Record<string, string | number | null>;

/** Why a request does not reach its integration, as the gateway response type and message to answer with. */
export interface AuthorizationRefusal {
  kind: 'refused';
  responseType: 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'AUTHORIZER_CONFIGURATION_ERROR';
  message: string | null;
  authorizerContext?: AuthorizerContext;
}

export type AuthorizationOutcome = { kind: 'authorized'; authorizerContext: AuthorizerContext } | AuthorizationRefusal;

interface AuthorizerResult {
  principalId: string;
  policy: AuthorizerPolicy;
  context: Record<string, string | null>;
}

const UNAUTHORIZED: AuthorizationRefusal = { kind: 'refused', responseType: 'UNAUTHORIZED', message: 'Unauthorized' };
const CONFIGURATION_ERROR: AuthorizationRefusal = {
  kind: 'refused',
  responseType: 'AUTHORIZER_CONFIGURATION_ERROR',
  message: null,
};
const MAX_CACHE_ENTRIES = 10_000;

/** Runs one authorizer for requests, caching its results per identity like API Gateway. */
export class LambdaAuthorizerRuntime {
  private readonly cache = new Map<string, { expiresAt: number; result: AuthorizerResult }>();

  constructor(
    private readonly authorizer: CompiledAuthorizer,
    private readonly deps: Pick<LocalRestApiDeps, 'invokeFunction' | 'log'> & { now: () => number },
  ) {}

  async authorize(request: AuthorizationRequest): Promise<AuthorizationOutcome> {
    const identity = this.authorizer.identitySources.map((source) => {
      if (source.location === 'header') return request.header(source.name);
      if (source.location === 'querystring') return request.queryParameter(source.name);
      return request.stageVariable(source.name);
    });
    // A missing identity source answers 401 without invoking the function, as API Gateway does.
    if (identity.some((value) => value === undefined || value === '')) return UNAUTHORIZED;
    const token = identity[0] ?? '';
    if (this.authorizer.type === 'TOKEN' && this.authorizer.validationPattern?.test(token) === false) {
      return UNAUTHORIZED;
    }

    const cacheKey = identity.join('\u0000');
    const cached = this.authorizer.ttlSeconds > 0 ? this.cache.get(cacheKey) : undefined;
    let result: AuthorizerResult;
    let integrationLatency = 0;
    if (cached && cached.expiresAt > this.deps.now()) {
      result = cached.result;
    } else {
      const startedAt = this.deps.now();
      const invoked = await this.invoke(
        this.authorizer.type === 'TOKEN'
          ? { type: 'TOKEN', methodArn: request.methodArn, authorizationToken: token }
          : request.requestEvent(),
        request.methodArn,
      );
      if (invoked.kind === 'refused') return invoked;
      result = invoked.result;
      integrationLatency = Math.max(0, this.deps.now() - startedAt);
      this.remember(cacheKey, result);
    }

    const decision = evaluateAuthorizerPolicy(result.policy, request.methodArn);
    const authorizerContext: AuthorizerContext = {
      ...result.context,
      principalId: result.principalId,
      integrationLatency,
    };
    if (decision === 'allow') return { kind: 'authorized', authorizerContext };
    return {
      kind: 'refused',
      responseType: 'ACCESS_DENIED',
      message:
        decision === 'explicit-deny'
          ? 'User is not authorized to access this resource with an explicit deny'
          : 'User is not authorized to access this resource',
      authorizerContext,
    };
  }

  private remember(cacheKey: string, result: AuthorizerResult): void {
    if (this.authorizer.ttlSeconds === 0) return;
    const now = this.deps.now();
    if (this.cache.size >= MAX_CACHE_ENTRIES) {
      for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.clear();
    }
    this.cache.set(cacheKey, { expiresAt: now + this.authorizer.ttlSeconds * 1000, result });
  }

  private async invoke(
    event: Record<string, unknown>,
    methodArn: string,
  ): Promise<{ kind: 'result'; result: AuthorizerResult } | AuthorizationRefusal> {
    const where = `authorizer ${this.authorizer.logicalId}`;
    let outcome: Awaited<ReturnType<LocalRestApiDeps['invokeFunction']>>;
    try {
      // `arn:aws:execute-api:<region>:<account>:<apiId>/authorizers/<id>`, from the method ARN's API part.
      const api = methodArn.split('/')[0];
      outcome = await this.deps.invokeFunction(
        this.authorizer.functionArn,
        event,
        `${api}/authorizers/${this.authorizer.id}`,
      );
    } catch (error) {
      this.deps.log?.(`${where}: invocation failed: ${error instanceof Error ? error.message : String(error)}`);
      return CONFIGURATION_ERROR;
    }
    if ('error' in outcome) {
      // Only this exact message means "no credentials"; any other failure is the authorizer's own fault.
      if (outcome.error.errorMessage === 'Unauthorized') return UNAUTHORIZED;
      this.deps.log?.(`${where}: function error ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      return CONFIGURATION_ERROR;
    }
    try {
      return { kind: 'result', result: readAuthorizerResult(outcome.payload) };
    } catch (error) {
      this.deps.log?.(`${where}: malformed authorizer response: ${(error as Error).message}`);
      return CONFIGURATION_ERROR;
    }
  }
}

function readAuthorizerResult(payload: unknown): AuthorizerResult {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new MalformedAuthorizerPolicyError('the response is not an object');
  }
  const response = payload as Record<string, unknown>;
  if (typeof response.principalId !== 'string') throw new MalformedAuthorizerPolicyError('principalId is missing');
  const policy = parseAuthorizerPolicy(response.policyDocument);
  const context = new Map<string, string | null>();
  const rawContext = response.context ?? {};
  if (typeof rawContext !== 'object' || rawContext === null || Array.isArray(rawContext)) {
    throw new MalformedAuthorizerPolicyError('context must be an object');
  }
  for (const [key, value] of Object.entries(rawContext)) {
    if (value === undefined) continue;
    // API Gateway hands context values to the integration stringified, and rejects nested objects and arrays.
    if (value === null) context.set(key, null);
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      context.set(key, String(value));
    } else throw new MalformedAuthorizerPolicyError(`context.${key} is not a string, number or boolean`);
  }
  return { principalId: response.principalId, policy, context: Object.fromEntries(context) };
}
