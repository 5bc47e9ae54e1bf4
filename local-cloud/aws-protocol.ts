/**
 * The small pieces every emulated service shares: AWS-shaped errors and the JSON wire protocols
 * (`awsJson1_0` / `awsJson1_1`, selected by the `X-Amz-Target` header) that the unchanged AWS SDK clients speak.
 */
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** An error the AWS SDK will surface as a typed exception (`error.name === code`). */
export class AwsServiceError extends Error {
  constructor(
    /** The exception's short name, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    /** HTTP status the real service uses for this error. */
    readonly statusCode = 400,
    /** Extra members serialized next to `__type` and `message` (e.g. `CancellationReasons`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}

/**
 * The body, or `tooLarge` once it passes `maxBytes`: declared so by Content-Length, or counted as it arrives (a chunked
 * upload). A body refused midway is still read to its end, and dropped: the request (and its socket) must
 * stay open for the 413, where leaving the loop of an async iterator would destroy it.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    return Promise.resolve({ body: Buffer.alloc(0), tooLarge: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd).off('error', reject);
      // The rest is drained unread; a client that gives up on it must not crash the server.
      req.on('error', () => {}).resume();
      chunks.length = 0;
      resolve({ body: Buffer.alloc(0), tooLarge: true });
    };
    const onEnd = () => resolve({ body: Buffer.concat(chunks), tooLarge: false });
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
}

/** The whole request body. Plain events rather than an async iterator: every SDK call pays for this. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.1',
): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(statusCode, { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

export function sendAwsError(res: ServerResponse, error: AwsServiceError, contentType?: string): void {
  sendJson(
    res,
    error.statusCode,
    { __type: error.code, message: error.message, Message: error.message, ...error.extra },
    contentType,
  );
}

/** What an operation may know of the request besides its body: the edge's headers (none for in-process callers). */
export interface JsonCallContext {
  readonly headers?: IncomingHttpHeaders;
  /** Entries of a batch the guard refused one by one (PutEvents), by index: the operation reports them as failed. */
  readonly entryRefusals?: EntryRefusals;
}

/** A batch entry's refusal, as the service reports it in its per-entry results. */
export interface EntryRefusal {
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}
export type EntryRefusals = ReadonlyMap<number, EntryRefusal>;

/** One operation of a JSON-protocol service: takes the parsed request body, returns the response body. */
export type JsonOperation = (input: Record<string, unknown>, context?: JsonCallContext) => Promise<unknown>;

/**
 * A JSON-protocol service's operations, by name: what both its edge listener (`jsonApiListener`) and the local cloud's
 * in-process callers (`callJsonApi`) use, so a call from another service takes the same path as one from an SDK,
 * minus HTTP.
 */
export interface JsonProtocolApi {
  /** The part of `X-Amz-Target` before the dot, e.g. `AWSEvents` for `AWSEvents.PutEvents`. */
  readonly targetPrefix: string;
  readonly contentType: string;
  readonly operations: Readonly<Record<string, JsonOperation>>;
}

/**
 * Runs one operation in-process, as the listener would (an unknown one fails with `UnknownOperationException`). The
 * input must be a JSON value the caller no longer changes; the answer is what the listener would serialize.
 */
export async function callJsonApi(
  api: JsonProtocolApi,
  operationName: string,
  input: Record<string, unknown>,
  context?: JsonCallContext,
) {
  const operation = Object.hasOwn(api.operations, operationName) ? api.operations[operationName] : undefined;
  if (!operation) {
    throw new AwsServiceError(
      'UnknownOperationException',
      `${api.targetPrefix}.${operationName} is not supported by the local cloud`,
    );
  }
  return (await operation(input, context)) ?? {};
}

/**
 * Checks a parsed request before it runs (IAM, `local-cloud/iam/`): throws the service's error to refuse it, or
 * returns the entries of a batch it refuses one by one (a PutEvents entry whose source the caller may not publish).
 * Only requests that came through the edge are checked; the services' in-process calls carry no caller.
 */
export type EdgeRequestGuard = (
  headers: IncomingHttpHeaders | undefined,
  target: string,
  input: Record<string, unknown>,
) => Promise<EntryRefusals | undefined>;

/** Serves a JSON-protocol API on the edge. */
export function jsonApiListener(api: JsonProtocolApi, guard?: EdgeRequestGuard): RequestListener {
  return jsonProtocolListener(api.targetPrefix, api.operations, api.contentType, guard);
}

/**
 * Serves a JSON-protocol service. `targetPrefix` is the part of `X-Amz-Target` before the dot
 * (e.g. `AWSEvents` for `AWSEvents.PutEvents`). An operation missing from `operations` answers
 * `UnknownOperationException`, so an unsupported call fails loudly instead of silently succeeding.
 */
export function jsonProtocolListener(
  targetPrefix: string,
  operations: Readonly<Record<string, JsonOperation>>,
  contentType = 'application/x-amz-json-1.1',
  guard?: EdgeRequestGuard,
): RequestListener {
  const api: JsonProtocolApi = { targetPrefix, contentType, operations };
  return (req, res) => {
    void (async () => {
      try {
        const target = String(req.headers['x-amz-target'] ?? '');
        const [prefix, operationName] = target.split('.');
        if (prefix !== targetPrefix || !operationName) {
          throw new AwsServiceError('UnknownOperationException', `Unknown target ${target}`);
        }
        const raw = (await readBody(req)).toString('utf8');
        let input: Record<string, unknown>;
        try {
          input = raw.length === 0 ? {} : (JSON.parse(raw) as Record<string, unknown>);
        } catch {
          throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
        }
        const entryRefusals = await guard?.(req.headers, target, input);
        const context = { headers: req.headers, ...(entryRefusals ? { entryRefusals } : {}) };
        sendJson(res, 200, await callJsonApi(api, operationName, input, context), contentType);
      } catch (error) {
        if (error instanceof AwsServiceError) {
          sendAwsError(res, error, contentType);
        } else {
          const message = error instanceof Error ? error.message : String(error);
          sendAwsError(res, new AwsServiceError('InternalFailure', message, 500), contentType);
        }
      }
    })();
  };
}

/** Reads a required string member of a request, answering `ValidationException` like AWS when it is absent. */
export function requireString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== 'string' || value.length === 0) {
    throw new AwsServiceError('ValidationException', `${member} is required`);
  }
  return value;
}

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';
