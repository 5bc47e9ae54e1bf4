/**
 * The adapter every API Lambda is built from: middy with the Powertools middlewares, then request parsing
 * (a body within `tuning.api.maxRequestBodyBytes`, JSON, zod schemas for body, path and query), the caller's identity
 * from the authorizer, the correlation ID, and one error handler that renders the error envelope.
 *
 * @example
 * export const handler = apiHandler({ path: z.object({ sku: Sku }) }, async ({ path }) =>
 *   ({ statusCode: 200, body: await getProduct(path.sku, { catalog: dynamoCatalog() }) }));
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { tuning } from '../../lib/config/tuning.js';
import type { Principal } from '../contracts/common.js';
import {
  ForbiddenError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';
import { bindCorrelationId } from '../powertools/index.js';
import { observability } from '../powertools/middlewares.js';
import { errorResponse, jsonResponse } from './error-envelope.js';
import { zodIssues } from './zod-issues.js';

export interface ApiRequest<TBody, TPath, TQuery> {
  readonly body: TBody;
  readonly path: TPath;
  readonly query: TQuery;
  /** Present on every route that has the authorizer; `undefined` only on public routes. */
  readonly principal: Principal;
  readonly correlationId: string;
  /** The `Idempotency-Key` header, if the client sent one. */
  readonly idempotencyKey: string | undefined;
  readonly context: Context;
}

export interface ApiResult {
  readonly statusCode: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiHandlerSpec<TBody extends z.ZodType, TPath extends z.ZodType, TQuery extends z.ZodType> {
  readonly body?: TBody;
  readonly path?: TPath;
  readonly query?: TQuery;
  /** Routes without the authorizer (health checks). */
  readonly public?: boolean;
  /** The caller must hold one of these roles. */
  readonly roles?: readonly string[];
  /** Commands that create something require an `Idempotency-Key` header (8 to 128 characters). */
  readonly requireIdempotencyKey?: boolean;
}

type Inferred<T> = T extends z.ZodType ? z.infer<T> : undefined;

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

export function apiHandler<
  TBody extends z.ZodType = z.ZodUndefined,
  TPath extends z.ZodType = z.ZodUndefined,
  TQuery extends z.ZodType = z.ZodUndefined,
>(
  spec: ApiHandlerSpec<TBody, TPath, TQuery>,
  run: (request: ApiRequest<Inferred<TBody>, Inferred<TPath>, Inferred<TQuery>>) => Promise<ApiResult>,
) {
  const adapter = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const correlationId = correlationIdOf(event);
    bindCorrelationId(correlationId);
    try {
      const request = parseRequest(spec, event, context, correlationId);
      const result = await run(request);
      return jsonResponse(result.statusCode, result.body, correlationId, result.headers);
    } catch (error) {
      return errorResponse(error, correlationId);
    }
  };
  return middy(adapter).use(observability());
}

function parseRequest<TBody extends z.ZodType, TPath extends z.ZodType, TQuery extends z.ZodType>(
  spec: ApiHandlerSpec<TBody, TPath, TQuery>,
  event: APIGatewayProxyEvent,
  context: Context,
  correlationId: string,
): ApiRequest<Inferred<TBody>, Inferred<TPath>, Inferred<TQuery>> {
  refuseLargeBody(event);
  const principal = principalOf(event, spec);
  const idempotencyKey = header(event, 'idempotency-key');
  if (spec.requireIdempotencyKey) {
    if (!idempotencyKey) {
      throw new ValidationError('The Idempotency-Key header is required', [
        { path: 'headers.Idempotency-Key', message: 'required' },
      ]);
    }
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationError('The Idempotency-Key header must be 8 to 128 visible ASCII characters', [
        { path: 'headers.Idempotency-Key', message: 'must be 8 to 128 visible ASCII characters' },
      ]);
    }
  }
  return {
    body: parsePart(spec.body, spec.body ? jsonBody(event) : undefined, 'body') as Inferred<TBody>,
    path: parsePart(spec.path, event.pathParameters ?? {}, 'path') as Inferred<TPath>,
    query: parsePart(spec.query, event.queryStringParameters ?? {}, 'query') as Inferred<TQuery>,
    principal: principal as Principal,
    correlationId,
    idempotencyKey,
    context,
  };
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError(`The request ${part} is invalid`, zodIssues(parsed.error, part === 'body' ? '' : part));
  }
  return parsed.data;
}

/**
 * Every route, whether it reads a body or not: API Gateway lets up to 10 MB through, the platform reads a few KiB.
 * Checked on the text as API Gateway passed it, before anything is parsed, so an oversized body costs no JSON parse
 * and reaches no use case.
 */
function refuseLargeBody(event: APIGatewayProxyEvent): void {
  if (!event.body) return;
  const bytes = Buffer.byteLength(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes > tuning.api.maxRequestBodyBytes) throw new PayloadTooLargeError(tuning.api.maxRequestBodyBytes);
}

/**
 * Visible ASCII only: the key becomes part of a stored record key and of log lines, where control characters, spaces
 * or lookalike letters would only confuse.
 */
const IDEMPOTENCY_KEY = /^[\x21-\x7E]{8,128}$/;

/** `application/json` or any `+json` type, with parameters (`; charset=utf-8`). */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;.*)?$/i;

function jsonBody(event: APIGatewayProxyEvent): unknown {
  // A client that names another type (a form, XML, text) did not send JSON; one that names none is read as JSON.
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !JSON_MEDIA_TYPE.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError(contentType);
  }
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw === null || raw === undefined || raw.trim() === '') {
    throw new ValidationError('A JSON request body is required', [{ path: '', message: 'required' }]);
  }
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new MalformedJsonError({ cause });
  }
}

function principalOf(event: APIGatewayProxyEvent, spec: { public?: boolean; roles?: readonly string[] }) {
  if (spec.public) return undefined;
  const authorizer = event.requestContext.authorizer;
  const sub = authorizer?.principalId;
  const tenant = authorizer?.tenant;
  // The authorizer guards every non-public route, so this only fails if the API is wired wrongly.
  if (typeof sub !== 'string' || typeof tenant !== 'string') throw new UnauthorizedError();
  const roles = typeof authorizer?.roles === 'string' && authorizer.roles.length > 0 ? authorizer.roles.split(',') : [];
  if (spec.roles && !spec.roles.some((role) => roles.includes(role))) {
    throw new ForbiddenError(`This requires one of the roles: ${spec.roles.join(', ')}`);
  }
  // A service account's token carries its project scope; the use cases that find a project or resource check it.
  const project =
    typeof authorizer?.project === 'string' && authorizer.project.length > 0 ? authorizer.project : undefined;
  return { sub, tenant, roles, ...(project === undefined ? {} : { project }) };
}

function correlationIdOf(event: APIGatewayProxyEvent): string {
  const supplied = header(event, 'x-correlation-id');
  if (supplied && CORRELATION_ID_PATTERN.test(supplied)) return supplied;
  return event.requestContext?.requestId ?? `local-${Date.now()}`;
}

/** API Gateway keeps the client's header casing; HTTP says names are case-insensitive. */
function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
}
