/**
 * Reads an incoming HTTP request into what API Gateway sees: header names in the client's casing (from
 * `rawHeaders`, since Node lowercases `headers`), form-decoded query parameters, the body as text, plus the
 * `X-Forwarded-*` and trace headers API Gateway adds before the integration.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readLimitedBody } from '../aws-protocol.js';

/** API Gateway's payload limit for REST APIs. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface ApiRequest {
  httpMethod: string;
  /** The path after the stage, still percent-encoded (as in the proxy event's `path`). */
  path: string;
  /** The full path including the stage (the proxy event's `requestContext.path`). */
  stagePath: string;
  headers: Array<[string, string]>;
  query: Array<[string, string]>;
  /** `null` when there is no body, like the proxy event. */
  body: string | null;
  bodyTooLarge: boolean;
  sourceIp: string;
  userAgent: string | null;
  protocol: string;
}

export interface RequestIds {
  requestId: string;
  /** API Gateway's short id, also sent as `x-amz-apigw-id`. */
  extendedRequestId: string;
  traceId: string;
}

/** The last value of a header, matched case-insensitively (how `method.request.header.X` reads it). */
export function lastHeaderValue(headers: ReadonlyArray<[string, string]>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value: string | undefined;
  for (const [header, headerValue] of headers) if (header.toLowerCase() === wanted) value = headerValue;
  return value;
}

export function lastQueryValue(query: ReadonlyArray<[string, string]>, name: string): string | undefined {
  let value: string | undefined;
  for (const [parameter, parameterValue] of query) if (parameter === name) value = parameterValue;
  return value;
}

function pairs(rawHeaders: readonly string[]): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    headers.push([rawHeaders[index] as string, rawHeaders[index + 1] as string]);
  }
  return headers;
}

function withoutHeader(headers: Array<[string, string]>, name: string): Array<[string, string]> {
  return headers.filter(([header]) => header.toLowerCase() !== name.toLowerCase());
}

export function newRequestIds(now: number, clientTraceHeader: string | undefined): RequestIds {
  const clientRoot = clientTraceHeader && /(?:^|;)\s*Root=([^;]+)/.exec(clientTraceHeader)?.[1];
  const epochHex = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return {
    requestId: randomUUID(),
    extendedRequestId: randomBytes(10).toString('base64'),
    // API Gateway continues a trace the client started and otherwise opens a new X-Ray root.
    traceId: `Root=${clientRoot || `1-${epochHex}-${randomBytes(12).toString('hex')}`}`,
  };
}

export async function readApiRequest(
  req: IncomingMessage,
  split: { stagePath: string; path: string; rawQuery: string },
  traceId: string,
): Promise<ApiRequest> {
  const { body, tooLarge } = await readLimitedBody(req, MAX_REQUEST_BYTES);
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  let headers = pairs(req.rawHeaders);
  const forwardedFor = lastHeaderValue(headers, 'X-Forwarded-For');
  headers = withoutHeader(
    withoutHeader(withoutHeader(headers, 'X-Forwarded-For'), 'X-Forwarded-Port'),
    'X-Forwarded-Proto',
  );
  if (lastHeaderValue(headers, 'X-Amzn-Trace-Id') === undefined) headers.push(['X-Amzn-Trace-Id', traceId]);
  headers.push(
    ['X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${sourceIp}` : sourceIp],
    ['X-Forwarded-Port', String(req.socket.localPort ?? '')],
    ['X-Forwarded-Proto', 'http'],
  );
  return {
    httpMethod: (req.method ?? 'GET').toUpperCase(),
    path: split.path,
    stagePath: split.stagePath,
    headers,
    // API Gateway decodes query parameters as a form would (`+` is a space).
    query: [...new URLSearchParams(split.rawQuery)],
    body: body.length > 0 ? body.toString('utf8') : null,
    bodyTooLarge: tooLarge,
    sourceIp,
    userAgent: lastHeaderValue(headers, 'User-Agent') ?? null,
    protocol: `HTTP/${req.httpVersion}`,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `$context.requestTime`: CLF format in UTC, e.g. `09/Apr/2015:12:34:56 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
