/**
 * Turns the resolved CloudFormation definition into the model the request pipeline runs on, refusing every
 * behaviour-changing setting the local cloud does not emulate. Construction is where errors belong: a REST API that
 * boots behaves like API Gateway or does not boot at all.
 */
import { type CompiledAuthorizer, compileAuthorizer } from './authorizer.js';
import {
  InvalidRestApiDefinitionError,
  type RestApiDefinition,
  UnsupportedApiGatewayFeatureError,
} from './definition.js';
import { GatewayResponses } from './gateway-responses.js';
import { type CompiledIntegration, compileIntegration } from './integrations.js';
import {
  asPropertyBag,
  isUnset,
  optionalBoolean,
  optionalString,
  optionalStringMap,
  refuseIfSet,
  refuseUnknownProperties,
  requiredString,
} from './properties.js';
import { type CompiledTemplate, compileTemplate } from './templates.js';
import { type ThrottleLimits, ThrottleSettings } from './throttle.js';

export interface CompiledMethod {
  logicalId: string;
  /** As defined: a verb or `ANY`. */
  httpMethod: string;
  resourceId: string;
  /** The resource's template path, e.g. `/orders/{orderId}`. */
  resourcePath: string;
  authorizer?: CompiledAuthorizer;
  operationName?: string;
  integration: CompiledIntegration;
  throttle?: ThrottleLimits;
}

export interface CompiledResource {
  id: string;
  path: string;
  /** Path parts below the root: literals, `{name}` or a final greedy `{name+}`. */
  pathParts: string[];
  methods: Map<string, CompiledMethod>;
}

export interface CompiledRestApi {
  apiId: string;
  stageName: string;
  stageVariables: Record<string, string> | null;
  resources: CompiledResource[];
  gatewayResponses: GatewayResponses;
  accessLogFormat?: CompiledTemplate;
}

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

function checkRestApi(definition: RestApiDefinition): void {
  const where = definition.restApi.logicalId;
  const properties = definition.restApi.properties;
  refuseUnknownProperties(
    properties,
    [
      'Name',
      'Description',
      'EndpointConfiguration',
      'Tags',
      'ApiKeySourceType',
      'FailOnWarnings',
      'Mode',
      'DisableExecuteApiEndpoint',
      'Policy',
      'BinaryMediaTypes',
      'MinimumCompressionSize',
    ],
    where,
  );
  refuseIfSet(properties, 'Policy', 'resource policy', where);
  refuseIfSet(properties, 'BinaryMediaTypes', 'binary media types', where);
  if (properties.MinimumCompressionSize !== undefined && properties.MinimumCompressionSize !== null) {
    throw new UnsupportedApiGatewayFeatureError('response compression (MinimumCompressionSize)', where);
  }
  if (optionalBoolean(properties, 'DisableExecuteApiEndpoint', where) === true) {
    throw new UnsupportedApiGatewayFeatureError('DisableExecuteApiEndpoint', where);
  }
  const endpointTypes = asPropertyBag(properties.EndpointConfiguration, `${where}: EndpointConfiguration`).Types;
  if (Array.isArray(endpointTypes) && endpointTypes.includes('PRIVATE')) {
    throw new UnsupportedApiGatewayFeatureError('PRIVATE endpoint', where);
  }
  if (!isUnset(definition.usagePlans) || !isUnset(definition.apiKeys)) {
    throw new UnsupportedApiGatewayFeatureError('usage plans and API keys', where);
  }
}

function checkStage(definition: RestApiDefinition): {
  variables: Record<string, string> | null;
  accessLogFormat?: CompiledTemplate;
  throttle: ThrottleSettings;
} {
  const where = `stage ${definition.stage.stageName}`;
  const properties = definition.stage.properties;
  refuseUnknownProperties(
    properties,
    [
      'StageName',
      'RestApiId',
      'DeploymentId',
      'Description',
      'MethodSettings',
      'Variables',
      'TracingEnabled',
      'AccessLogSetting',
      'CacheClusterEnabled',
      'CacheClusterSize',
      'ClientCertificateId',
      'CanarySetting',
      'DocumentationVersion',
      'Tags',
    ],
    where,
  );
  if (optionalBoolean(properties, 'CacheClusterEnabled', where) === true) {
    throw new UnsupportedApiGatewayFeatureError('API cache cluster', where);
  }
  refuseIfSet(properties, 'CanarySetting', 'canary deployment', where);
  const variables = optionalStringMap(properties, 'Variables', where);
  const accessLog = asPropertyBag(properties.AccessLogSetting, `${where}: AccessLogSetting`);
  const format = optionalString(accessLog, 'Format', where);
  return {
    variables: Object.keys(variables).length > 0 ? variables : null,
    ...(format ? { accessLogFormat: compileTemplate(format, `${where}: AccessLogSetting`, { lenient: true }) } : {}),
    throttle: new ThrottleSettings(properties.MethodSettings, where),
  };
}

function checkPathPart(pathPart: string, where: string): void {
  const variable = /^\{([^{}]+?)(\+)?\}$/.exec(pathPart);
  if (variable) return;
  if (pathPart.length === 0 || /[{}/]/.test(pathPart)) {
    throw new InvalidRestApiDefinitionError(`${where}: invalid PathPart '${pathPart}'`);
  }
}

function buildResources(definition: RestApiDefinition): Map<string, CompiledResource> {
  const byId = new Map(definition.resources.map((resource) => [resource.id, resource]));
  const compiled = new Map<string, CompiledResource>();
  compiled.set(definition.rootResourceId, {
    id: definition.rootResourceId,
    path: '/',
    pathParts: [],
    methods: new Map(),
  });

  const resolve = (id: string, visiting: Set<string>): CompiledResource => {
    const done = compiled.get(id);
    if (done) return done;
    const resource = byId.get(id);
    if (!resource) throw new InvalidRestApiDefinitionError(`resource id ${id} is not defined`);
    if (visiting.has(id))
      throw new InvalidRestApiDefinitionError(`${resource.logicalId}: resource parents form a cycle`);
    visiting.add(id);
    const { ParentId, PathPart } = resource.properties;
    checkPathPart(PathPart, resource.logicalId);
    const parent = resolve(ParentId, visiting);
    if (parent.pathParts.at(-1)?.endsWith('+}')) {
      throw new InvalidRestApiDefinitionError(`${resource.logicalId}: a greedy path variable must be the last part`);
    }
    const pathParts = [...parent.pathParts, PathPart];
    const entry = { id, path: `/${pathParts.join('/')}`, pathParts, methods: new Map() };
    compiled.set(id, entry);
    return entry;
  };
  for (const resource of definition.resources) resolve(resource.id, new Set());

  const siblings = new Map<string, string>();
  for (const resource of compiled.values()) {
    const parentPath = resource.pathParts.slice(0, -1).join('/');
    const last = resource.pathParts.at(-1);
    if (last === undefined) continue;
    const key = `${parentPath}\u0000${last.startsWith('{') ? '{variable}' : last}`;
    const clash = siblings.get(key);
    if (clash !== undefined) {
      throw new InvalidRestApiDefinitionError(`resources ${clash} and ${resource.path} clash at the same level`);
    }
    siblings.set(key, resource.path);
  }
  return compiled;
}

function compileMethod(
  method: RestApiDefinition['methods'][number],
  resources: Map<string, CompiledResource>,
  authorizers: Map<string, CompiledAuthorizer>,
  throttle: ThrottleSettings,
): CompiledMethod {
  const where = method.logicalId;
  const properties = method.properties;
  refuseUnknownProperties(
    properties,
    [
      'HttpMethod',
      'ResourceId',
      'RestApiId',
      'AuthorizationType',
      'AuthorizerId',
      'ApiKeyRequired',
      'Integration',
      'MethodResponses',
      'RequestParameters',
      'OperationName',
      'AuthorizationScopes',
      'RequestModels',
      'RequestValidatorId',
    ],
    where,
  );
  if (optionalBoolean(properties, 'ApiKeyRequired', where) === true) {
    throw new UnsupportedApiGatewayFeatureError('ApiKeyRequired (API keys)', where);
  }
  refuseIfSet(properties, 'RequestValidatorId', 'request validators', where);
  refuseIfSet(properties, 'RequestModels', 'request models', where);
  refuseIfSet(properties, 'AuthorizationScopes', 'authorization scopes', where);

  const httpMethod = requiredString(properties, 'HttpMethod', where).toUpperCase();
  if (!HTTP_METHODS.includes(httpMethod)) throw new InvalidRestApiDefinitionError(`${where}: HttpMethod ${httpMethod}`);
  const resourceId = requiredString(properties, 'ResourceId', where);
  const resource = resources.get(resourceId);
  if (!resource) throw new InvalidRestApiDefinitionError(`${where}: ResourceId ${resourceId} is not a resource`);

  const authorizationType = optionalString(properties, 'AuthorizationType', where) ?? 'NONE';
  let authorizer: CompiledAuthorizer | undefined;
  if (authorizationType === 'CUSTOM') {
    const authorizerId = requiredString(properties, 'AuthorizerId', where);
    authorizer = authorizers.get(authorizerId);
    if (!authorizer) throw new InvalidRestApiDefinitionError(`${where}: AuthorizerId ${authorizerId} is not defined`);
  } else if (authorizationType !== 'NONE') {
    throw new UnsupportedApiGatewayFeatureError(`AuthorizationType ${authorizationType}`, where);
  }
  const operationName = optionalString(properties, 'OperationName', where);
  const limits = throttle.limitsFor(resource.path, httpMethod);
  return {
    logicalId: method.logicalId,
    httpMethod,
    resourceId,
    resourcePath: resource.path,
    ...(authorizer ? { authorizer } : {}),
    ...(operationName ? { operationName } : {}),
    integration: compileIntegration(properties.Integration, httpMethod, where),
    ...(limits ? { throttle: limits } : {}),
  };
}

/** Checks a definition and builds the model the request pipeline serves. */
export function compileRestApi(definition: RestApiDefinition): CompiledRestApi {
  checkRestApi(definition);
  const stage = checkStage(definition);
  const authorizers = new Map(
    definition.authorizers.map((authorizer) => [authorizer.id, compileAuthorizer(authorizer, authorizer.logicalId)]),
  );
  const resources = buildResources(definition);
  for (const method of definition.methods) {
    const compiled = compileMethod(method, resources, authorizers, stage.throttle);
    const resource = resources.get(compiled.resourceId) as CompiledResource;
    if (resource.methods.has(compiled.httpMethod)) {
      throw new InvalidRestApiDefinitionError(
        `${method.logicalId}: ${compiled.httpMethod} ${resource.path} is defined twice`,
      );
    }
    resource.methods.set(compiled.httpMethod, compiled);
  }
  return {
    apiId: definition.restApi.id,
    stageName: definition.stage.stageName,
    stageVariables: stage.variables,
    resources: [...resources.values()],
    gatewayResponses: new GatewayResponses(definition.gatewayResponses),
    ...(stage.accessLogFormat ? { accessLogFormat: stage.accessLogFormat } : {}),
  };
}
