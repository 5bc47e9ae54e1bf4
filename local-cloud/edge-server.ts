/**
 * One loopback endpoint for every AWS API of the local cloud, like LocalStack's edge port: requests are routed by
 * their `X-Amz-Target` prefix (JSON protocols) or path (Lambda's REST API). So one `AWS_ENDPOINT_URL` serves every
 * unchanged SDK client.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, sendAwsError } from './aws-protocol.js';

export interface EdgeRoutes {
  /** By `X-Amz-Target` prefix, e.g. `DynamoDB_20120810`, `AmazonSQS`, `AWSEvents`, `AWSStepFunctions`. */
  readonly byTargetPrefix: Readonly<Record<string, RequestListener>>;
  /** By path prefix, e.g. `/2015-03-31/functions` for Lambda. */
  readonly byPathPrefix: Readonly<Record<string, RequestListener>>;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

export function edgeListener(routes: EdgeRoutes): RequestListener {
  return (req, res) => {
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') {
      const listener = routes.byTargetPrefix[target.split('.')[0] ?? ''];
      if (listener) return listener(req, res);
    }
    const path = req.url ?? '/';
    for (const [prefix, listener] of Object.entries(routes.byPathPrefix)) {
      if (path.startsWith(prefix)) return listener(req, res);
    }
    sendAwsError(
      res,
      new AwsServiceError(
        'UnknownOperationException',
        `The local cloud does not serve ${req.method} ${path}${target ? ` (${target})` : ''}`,
      ),
    );
  };
}

/** Listens on 127.0.0.1 only: the local cloud is never reachable from another machine. */
export async function listenOnLoopback(listener: RequestListener, port = 0): Promise<RunningServer> {
  const server = createServer(listener);
  // Long polls (SQS WaitTimeSeconds up to 20 s) must not be cut by Node's default timeouts.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolvePromise());
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${boundPort}`,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
