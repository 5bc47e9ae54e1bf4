/**
 * Gateway responses: the answers API Gateway itself produces when a request never reaches (or fails in) the
 * integration. Customizations from `AWS::ApiGateway::GatewayResponse` replace the default status, headers and body,
 * with the `DEFAULT_4XX` / `DEFAULT_5XX` fallbacks for types that are not customized individually.
 */
import type { GatewayResponseProperties } from './definition.js';
import { InvalidRestApiDefinitionError, UnsupportedApiGatewayFeatureError } from './definition.js';
import { refuseUnknownProperties } from './properties.js';
import { type CompiledTemplate, compileTemplate, renderTemplate, type TemplateResolver } from './templates.js';

/** Default status of every response type (`undefined` for the two fallbacks, which have none of their own). */
const DEFAULT_STATUS = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  RESOURCE_NOT_FOUND: 404,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  WAF_FILTERED: 403,
} as const satisfies Record<string, number | undefined>;

export type GatewayResponseType = keyof typeof DEFAULT_STATUS;

/** An error API Gateway answers itself. */
export interface GatewayError {
  type: GatewayResponseType;
  /** `$context.error.message`; `null` renders `{"message":null}` like AWS does for authorizer failures. */
  message: string | null;
  /** The `x-amzn-ErrorType` header value. */
  errorType: string;
  /** Needed only for errors reported under a fallback type (a failed Lambda is a 502 under `DEFAULT_5XX`). */
  statusCode?: number;
}

/** Values a gateway response may copy into its headers: request parameters and template variables. */
export interface GatewayResponseSources {
  header(name: string): string | undefined;
  queryParameter(name: string): string | undefined;
  pathParameter(name: string): string | undefined;
  resolve: TemplateResolver;
}

type HeaderSource =
  | { kind: 'literal'; value: string }
  | { kind: 'header' | 'querystring' | 'path'; name: string }
  | { kind: 'variable'; path: string };

interface CompiledGatewayResponse {
  statusCode?: number;
  headers: Array<{ name: string; source: HeaderSource }>;
  template?: CompiledTemplate;
}

export interface RenderedResponse {
  statusCode: number;
  headers: Array<[string, string]>;
  body: string;
}

const DEFAULT_TEMPLATE = compileTemplate('{"message":$context.error.messageString}', 'default gateway response');

function compileHeaderSource(value: string, where: string): HeaderSource {
  const literal = /^'(.*)'$/s.exec(value);
  if (literal) return { kind: 'literal', value: literal[1] as string };
  const parameter = /^method\.request\.(header|querystring|path)\.(.+)$/.exec(value);
  if (parameter) return { kind: parameter[1] as 'header' | 'querystring' | 'path', name: parameter[2] as string };
  if (/^(?:context|stageVariables)\.[\w.-]+$/.test(value)) {
    compileTemplate(`\${${value}}`, where);
    return { kind: 'variable', path: value };
  }
  throw new UnsupportedApiGatewayFeatureError(`gateway response parameter value ${value}`, where);
}

function compileGatewayResponse(properties: GatewayResponseProperties, where: string): CompiledGatewayResponse {
  refuseUnknownProperties(
    properties as unknown as Record<string, unknown>,
    ['ResponseType', 'StatusCode', 'ResponseParameters', 'ResponseTemplates', 'RestApiId'],
    where,
  );
  const compiled: CompiledGatewayResponse = { headers: [] };
  if (properties.StatusCode !== undefined) {
    if (!/^[1-5]\d\d$/.test(String(properties.StatusCode))) {
      throw new InvalidRestApiDefinitionError(`${where}: StatusCode ${properties.StatusCode} is not an HTTP status`);
    }
    compiled.statusCode = Number(properties.StatusCode);
  }
  for (const [key, value] of Object.entries(properties.ResponseParameters ?? {})) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
    if (name === undefined) throw new UnsupportedApiGatewayFeatureError(`gateway response parameter ${key}`, where);
    compiled.headers.push({ name, source: compileHeaderSource(value, where) });
  }
  for (const [contentType, template] of Object.entries(properties.ResponseTemplates ?? {})) {
    if (contentType !== 'application/json') {
      throw new UnsupportedApiGatewayFeatureError(`gateway response template for ${contentType}`, where);
    }
    compiled.template = compileTemplate(template, where);
  }
  return compiled;
}

/** The gateway responses of one REST API. */
export class GatewayResponses {
  private readonly customized = new Map<GatewayResponseType, CompiledGatewayResponse>();

  constructor(definitions: Array<{ logicalId?: string; properties: GatewayResponseProperties }>) {
    for (const definition of definitions) {
      const type = definition.properties.ResponseType;
      const where = definition.logicalId ?? `gateway response ${type}`;
      if (!(type in DEFAULT_STATUS)) throw new InvalidRestApiDefinitionError(`${where}: unknown ResponseType ${type}`);
      if (this.customized.has(type as GatewayResponseType)) {
        throw new InvalidRestApiDefinitionError(`${where}: ResponseType ${type} is customized twice`);
      }
      this.customized.set(type as GatewayResponseType, compileGatewayResponse(definition.properties, where));
    }
  }

  render(error: GatewayError, sources: GatewayResponseSources): RenderedResponse {
    const ownDefault: number = DEFAULT_STATUS[error.type] ?? error.statusCode ?? 500;
    const fallbackType = ownDefault >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
    const specific = this.customized.get(error.type);
    const fallback = this.customized.get(fallbackType);
    const chosen = specific ?? fallback;
    // A status set on a fallback changes the status of every response of its class that does not set its own.
    const statusCode = specific?.statusCode ?? fallback?.statusCode ?? error.statusCode ?? ownDefault;

    const resolve: TemplateResolver = (path) => {
      if (path === 'context.error.message') return error.message ?? '';
      if (path === 'context.error.messageString') return JSON.stringify(error.message);
      if (path === 'context.error.responseType') return error.type;
      return sources.resolve(path);
    };
    const headers: Array<[string, string]> = [
      ['Content-Type', 'application/json'],
      ['x-amzn-ErrorType', error.errorType],
    ];
    for (const { name, source } of chosen?.headers ?? []) {
      const value = headerValue(source, sources, resolve);
      if (value === undefined) continue;
      const existing = headers.findIndex(([header]) => header.toLowerCase() === name.toLowerCase());
      if (existing >= 0) headers.splice(existing, 1);
      headers.push([name, value]);
    }
    return { statusCode, headers, body: renderTemplate(chosen?.template ?? DEFAULT_TEMPLATE, resolve) };
  }
}

function headerValue(
  source: HeaderSource,
  sources: GatewayResponseSources,
  resolve: TemplateResolver,
): string | undefined {
  switch (source.kind) {
    case 'literal':
      return source.value;
    case 'header':
      return sources.header(source.name);
    case 'querystring':
      return sources.queryParameter(source.name);
    case 'path':
      return sources.pathParameter(source.name);
    case 'variable':
      return resolve(source.path);
  }
}
