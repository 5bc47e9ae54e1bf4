/**
 * The request listener the edge mounts for `X-Amz-Target: AmazonSQS.*`. It serves the operations fauxqs lacks
 * itself and forwards the rest to fauxqs, rewriting the queue URLs fauxqs answers (`http://sqs.<region>.localhost:
 * <fauxqs port>/...`) into `${publicEndpoint}/<account>/<name>`: the AWS SDK sends every request that carries a
 * QueueUrl to that URL's origin (`useQueueUrlAsEndpoint`), so it must be the edge.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  AwsServiceError,
  type EdgeRequestGuard,
  type JsonOperation,
  jsonProtocolListener,
  readBody,
  sendAwsError,
} from '../aws-protocol.js';
import type { FauxqsBackend } from './fauxqs-backend.js';
import { withPublicQueueUrls } from './queue-state.js';

const SQS_TARGET_PREFIX = 'AmazonSQS';
const SQS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Response headers of fauxqs that SDK clients read; the rest (connection, date, ...) are the edge's business. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'x-amzn-query-error'];

export interface SqsListenerOptions {
  backend: FauxqsBackend;
  publicEndpoint: string;
  /** Operations answered here instead of by fauxqs. */
  localOperations: Record<string, JsonOperation>;
  log: (line: string) => void;
  /** Counts one billed request for a parsed request and its payload size. */
  meter?: (input: Record<string, unknown>, payloadBytes: number) => void;
  /** Checks each request before it runs (IAM). @default none */
  guard?: EdgeRequestGuard;
  /** Told the receipt handles whose visibility a client changed through the edge (ChangeMessageVisibility[Batch]). */
  onVisibilityChanged?: (receiptHandles: readonly string[]) => void;
}

export function createSqsListener(options: SqsListenerOptions): RequestListener {
  const { backend, publicEndpoint, localOperations, log, meter, guard, onVisibilityChanged } = options;
  const serveLocally = jsonProtocolListener(SQS_TARGET_PREFIX, localOperations, SQS_JSON_CONTENT_TYPE, guard);

  return (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const contentType = String(req.headers['content-type'] ?? '');
    if (contentType.includes('x-www-form-urlencoded')) {
      rejectQueryProtocol(res);
      return;
    }
    const [prefix, operation] = target.split('.');
    if (prefix !== SQS_TARGET_PREFIX || !operation) {
      sendAwsError(
        res,
        new AwsServiceError('InvalidAction', `Not an SQS JSON-protocol request (X-Amz-Target: ${target || 'none'})`),
        SQS_JSON_CONTENT_TYPE,
      );
      return;
    }
    if (Object.hasOwn(localOperations, operation)) {
      serveLocally(req, res);
      return;
    }
    forwardToFauxqs(req, res, operation).catch((error: unknown) => {
      if (error instanceof AwsServiceError && !res.headersSent) {
        sendAwsError(res, error, SQS_JSON_CONTENT_TYPE);
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      log(`sqs: ${operation} failed in the local cloud: ${message}`);
      if (!res.headersSent && !res.destroyed) {
        sendAwsError(res, new AwsServiceError('InternalFailure', message, 500), SQS_JSON_CONTENT_TYPE);
      }
    });
  };

  async function forwardToFauxqs(req: IncomingMessage, res: ServerResponse, operation: string): Promise<void> {
    const body = await readBody(req);
    const input = parsedOrEmpty(body);
    await guard?.(req.headers, `${SQS_TARGET_PREFIX}.${operation}`, input);
    if (meter) meter(input, body.length);
    if (onVisibilityChanged) {
      const changed = visibilityChangesOf(operation, input);
      if (changed.length > 0) onVisibilityChanged(changed);
    }
    // A long poll outlives a client that gave up; stop waiting on fauxqs for it.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const authorization = req.headers.authorization;
    let response: Awaited<ReturnType<FauxqsBackend['forward']>>;
    try {
      response = await backend.forward(`${SQS_TARGET_PREFIX}.${operation}`, body, authorization, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return;
      throw error;
    }
    let payload = response.body;
    if (response.statusCode === 200) {
      const rewritten = withPublicQueueUrls(operation, () => JSON.parse(payload.toString('utf8')), publicEndpoint);
      if (rewritten !== undefined) payload = Buffer.from(JSON.stringify(rewritten));
    }
    const headers: Record<string, string | number> = { 'content-length': payload.length };
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = response.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    res.writeHead(response.statusCode, headers);
    res.end(payload);
  }
}

function parsedOrEmpty(body: Buffer): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * fauxqs speaks only the JSON protocol for SQS (it would hand a query-protocol request to its SNS emulation), and
 * so do current AWS SDKs and CLIs; answer older clients with a query-protocol error that says so.
 */
function rejectQueryProtocol(res: ServerResponse): void {
  const body =
    '<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>' +
    '<Message>The local cloud SQS speaks only the JSON protocol (X-Amz-Target: AmazonSQS.*); ' +
    'upgrade the AWS SDK or CLI that sent this query-protocol request.</Message></Error></ErrorResponse>';
  res.writeHead(400, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The receipt handles a ChangeMessageVisibility or ChangeMessageVisibilityBatch request names. */
function visibilityChangesOf(operation: string, input: Record<string, unknown>): string[] {
  if (operation === 'ChangeMessageVisibility') {
    return typeof input.ReceiptHandle === 'string' ? [input.ReceiptHandle] : [];
  }
  if (operation !== 'ChangeMessageVisibilityBatch' || !Array.isArray(input.Entries)) return [];
  return input.Entries.flatMap((entry: unknown) => {
    const handle = (entry as { ReceiptHandle?: unknown } | null)?.ReceiptHandle;
    return typeof handle === 'string' ? [handle] : [];
  });
}
