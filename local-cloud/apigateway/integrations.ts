/**
 * Reads a Method's `Integration`. Two kinds are emulated: `AWS_PROXY` to a Lambda function, and the `MOCK`
 * integration CDK generates for CORS preflight (`OPTIONS` answered with static headers). Everything else
 * (HTTP, AWS service and non-proxy Lambda integrations, mapping templates, VPC links...) is refused.
 */
import { InvalidRestApiDefinitionError, UnsupportedApiGatewayFeatureError } from './definition.js';
import {
  asPropertyBag,
  isUnset,
  optionalNumber,
  optionalString,
  optionalStringMap,
  refuseIfSet,
  refuseUnknownProperties,
  requiredString,
} from './properties.js';

/** A Lambda proxy integration: the request becomes a proxy event, the function's result becomes the response. */
export interface LambdaProxyIntegration {
  kind: 'AWS_PROXY';
  functionArn: string;
  timeoutMs: number;
}

/** A static answer, as CDK's `addCorsPreflight` builds it. */
export interface MockIntegration {
  kind: 'MOCK';
  statusCode: number;
  headers: Array<[string, string]>;
  /**
   * Origins beyond the first one in CDK's `allowOrigins`: when the request's `Origin` is one of them it is echoed in
   * `Access-Control-Allow-Origin` (what CDK's generated response template does).
   */
  echoedOrigins: string[];
}

export type CompiledIntegration = LambdaProxyIntegration | MockIntegration;

/** API Gateway's default (and, without a quota increase, maximum) integration timeout. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

const LAMBDA_INVOCATION_URI =
  /^arn:[^:]+:apigateway:[^:]*:lambda:path\/2015-03-31\/functions\/(arn:[^/]+)\/invocations$/;

export function compileIntegration(value: unknown, httpMethod: string, where: string): CompiledIntegration {
  const integration = asPropertyBag(value, `${where}: Integration`);
  const type = requiredString(integration, 'Type', `${where}: Integration`);
  if (type === 'AWS_PROXY') return compileLambdaProxy(integration, where);
  if (type === 'MOCK') {
    if (httpMethod !== 'OPTIONS') {
      throw new UnsupportedApiGatewayFeatureError(`MOCK integration on ${httpMethod} (only CORS preflight)`, where);
    }
    return compileCorsMock(integration, where);
  }
  throw new UnsupportedApiGatewayFeatureError(`integration type ${type}`, where);
}

function compileLambdaProxy(integration: Record<string, unknown>, where: string): LambdaProxyIntegration {
  refuseUnknownProperties(
    integration,
    [
      'Type',
      'IntegrationHttpMethod',
      'Uri',
      'Credentials',
      'TimeoutInMillis',
      'PassthroughBehavior',
      'CacheKeyParameters',
      'CacheNamespace',
      'ConnectionType',
      'ResponseTransferMode',
    ],
    where,
  );
  refuseIfSet(integration, 'CacheKeyParameters', 'integration cache key parameters (API caching)', where);
  const connectionType = optionalString(integration, 'ConnectionType', where);
  if (connectionType !== undefined && connectionType !== 'INTERNET') {
    throw new UnsupportedApiGatewayFeatureError(`integration ConnectionType ${connectionType}`, where);
  }
  const transferMode = optionalString(integration, 'ResponseTransferMode', where);
  if (transferMode !== undefined && transferMode !== 'BUFFERED') {
    throw new UnsupportedApiGatewayFeatureError(`integration ResponseTransferMode ${transferMode}`, where);
  }
  const integrationHttpMethod = optionalString(integration, 'IntegrationHttpMethod', where);
  if (integrationHttpMethod !== 'POST') {
    throw new InvalidRestApiDefinitionError(`${where}: a Lambda integration must use IntegrationHttpMethod POST`);
  }
  const uri = requiredString(integration, 'Uri', where);
  const functionArn = LAMBDA_INVOCATION_URI.exec(uri)?.[1];
  if (!functionArn)
    throw new UnsupportedApiGatewayFeatureError(`integration Uri ${uri} (not a Lambda function)`, where);
  const timeoutMs = optionalNumber(integration, 'TimeoutInMillis', where) ?? DEFAULT_INTEGRATION_TIMEOUT_MS;
  if (timeoutMs < 50) throw new InvalidRestApiDefinitionError(`${where}: TimeoutInMillis must be at least 50`);
  return { kind: 'AWS_PROXY', functionArn, timeoutMs };
}

function compileCorsMock(integration: Record<string, unknown>, where: string): MockIntegration {
  refuseUnknownProperties(
    integration,
    ['Type', 'RequestTemplates', 'IntegrationResponses', 'PassthroughBehavior', 'TimeoutInMillis', 'CacheNamespace'],
    where,
  );
  const requestTemplates = optionalStringMap(integration, 'RequestTemplates', where);
  const requestTemplate = requestTemplates['application/json'];
  const statusMatch = /^\s*\{\s*"?statusCode"?\s*:\s*(\d{3})\s*\}\s*$/.exec(requestTemplate ?? '');
  if (!statusMatch || Object.keys(requestTemplates).length !== 1) {
    throw new UnsupportedApiGatewayFeatureError('MOCK request templates other than { statusCode: NNN }', where);
  }
  const responses = integration.IntegrationResponses;
  if (!Array.isArray(responses) || responses.length !== 1) {
    throw new UnsupportedApiGatewayFeatureError('MOCK integration without exactly one integration response', where);
  }
  const response = asPropertyBag(responses[0], `${where}: IntegrationResponses[0]`);
  refuseUnknownProperties(
    response,
    ['StatusCode', 'ResponseParameters', 'ResponseTemplates', 'SelectionPattern'],
    `${where}: IntegrationResponses[0]`,
  );
  refuseIfSet(response, 'SelectionPattern', 'integration response SelectionPattern', where);
  const statusCode = Number(requiredString(response, 'StatusCode', where));
  const headers: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(optionalStringMap(response, 'ResponseParameters', where))) {
    const header = /^method\.response\.header\.(.+)$/.exec(key)?.[1];
    const literal = /^'(.*)'$/s.exec(value)?.[1];
    if (header === undefined || literal === undefined) {
      throw new UnsupportedApiGatewayFeatureError(`integration response parameter ${key}=${value}`, where);
    }
    headers.push([header, literal]);
  }
  return {
    kind: 'MOCK',
    statusCode,
    headers,
    echoedOrigins: readCorsOriginTemplate(response.ResponseTemplates, where),
  };
}

/** Recognizes the one response template CDK writes for multi-origin CORS, by regenerating it from its origins. */
function readCorsOriginTemplate(value: unknown, where: string): string[] {
  if (isUnset(value)) return [];
  const templates = optionalStringMap({ ResponseTemplates: value }, 'ResponseTemplates', where);
  const template = templates['application/json'];
  if (Object.keys(templates).length !== 1 || template === undefined) {
    throw new UnsupportedApiGatewayFeatureError('MOCK response templates', where);
  }
  if (template === '') return [];
  const origins = [...template.matchAll(/\$origin == "([^"]*)"/g)].map((match) => match[1] as string).slice(1);
  const expected = [
    '#set($origin = $input.params().header.get("Origin"))',
    '#if($origin == "")',
    '  #set($origin = $input.params().header.get("origin"))',
    '#end',
    `#if(${origins.map((origin) => `$origin == "${origin}"`).join(' || ')})`,
    '  #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    '#end',
  ].join('\n');
  if (origins.length === 0 || template !== expected) {
    throw new UnsupportedApiGatewayFeatureError('MOCK response template (only the one CDK writes for CORS)', where);
  }
  return origins;
}
