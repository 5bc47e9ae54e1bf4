/**
 * The small subset of API Gateway mapping-template syntax the local cloud renders: `$context.*` and
 * `$stageVariables.*` references (plain, quiet `$!` and `${...}` forms) inside otherwise literal text. There is no
 * Velocity engine behind it, so any directive or other reference is refused when the API is built rather than
 * rendered wrongly at request time.
 */
import { UnsupportedApiGatewayFeatureError } from './definition.js';

type TemplatePart = { kind: 'literal'; text: string } | { kind: 'reference'; path: string };

/** A template checked and split into literal text and variable references, ready to render per request. */
export interface CompiledTemplate {
  readonly parts: readonly TemplatePart[];
}

/** `$context` variables a template may use; `authorizer.<key>` and `stageVariables.<name>` are open-ended. */
const CONTEXT_VARIABLES = new Set([
  'accountId',
  'apiId',
  'domainName',
  'domainPrefix',
  'extendedRequestId',
  'httpMethod',
  'path',
  'protocol',
  'requestId',
  'requestTime',
  'requestTimeEpoch',
  'resourceId',
  'resourcePath',
  'stage',
  'xrayTraceId',
  'identity.sourceIp',
  'identity.userAgent',
  'identity.accountId',
  'identity.apiKey',
  'identity.apiKeyId',
  'identity.caller',
  'identity.user',
  'identity.userArn',
  'error.message',
  'error.messageString',
  'error.responseType',
  'error.validationErrorString',
  'status',
  'responseLength',
  'responseLatency',
  'integrationLatency',
  'integrationStatus',
  'integration.latency',
  'integration.status',
  'integration.error',
]);

const VTL_DIRECTIVE = /#(?:set|if|elseif|else|end|foreach|include|parse|macro|stop|break|evaluate|define)\b|#\{|##|#\*/;
const IDENTIFIER_PATH = '[a-zA-Z][\\w-]*(?:\\.[a-zA-Z_][\\w-]*)*';
const REFERENCE = new RegExp(`\\$!?(?:\\{(${IDENTIFIER_PATH})\\}|(${IDENTIFIER_PATH}))`, 'g');

function isSupportedReference(path: string): boolean {
  if (path.startsWith('stageVariables.')) return path.split('.').length === 2;
  if (!path.startsWith('context.')) return false;
  const variable = path.slice('context.'.length);
  return CONTEXT_VARIABLES.has(variable) || /^authorizer\.[^.]+$/.test(variable);
}

/**
 * Checks a template and splits it. `lenient` (access-log formats, which only feed diagnostics) lets unknown
 * `$context` variables through to render as `-`; everywhere else they are refused.
 */
export function compileTemplate(text: string, where: string, options: { lenient?: boolean } = {}): CompiledTemplate {
  const directive = VTL_DIRECTIVE.exec(text);
  if (directive)
    throw new UnsupportedApiGatewayFeatureError(`Velocity directive '${directive[0]}' in a template`, where);
  const parts: TemplatePart[] = [];
  let cursor = 0;
  for (const match of text.matchAll(REFERENCE)) {
    const path = (match[1] ?? match[2]) as string;
    const known = isSupportedReference(path);
    const tolerated = options.lenient === true && (path.startsWith('context.') || path.startsWith('stageVariables.'));
    if (!known && !tolerated) {
      throw new UnsupportedApiGatewayFeatureError(`template reference '${match[0]}'`, where);
    }
    if (match.index > cursor) parts.push({ kind: 'literal', text: text.slice(cursor, match.index) });
    parts.push({ kind: 'reference', path });
    cursor = match.index + match[0].length;
  }
  if (cursor < text.length) parts.push({ kind: 'literal', text: text.slice(cursor) });
  return { parts };
}

/** Resolves a reference path such as `context.requestId` or `stageVariables.env`; `undefined` when it has no value. */
export type TemplateResolver = (path: string) => string | undefined;

export function renderTemplate(template: CompiledTemplate, resolve: TemplateResolver, missing = ''): string {
  let output = '';
  for (const part of template.parts) {
    output += part.kind === 'literal' ? part.text : (resolve(part.path) ?? missing);
  }
  return output;
}
