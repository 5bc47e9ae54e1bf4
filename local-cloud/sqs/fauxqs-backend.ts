/**
 * Runs fauxqs and talks to it over loopback HTTP with its own SQS JSON protocol and inspection endpoints.
 * Everything else in this module goes through this file, so the fauxqs surface we depend on is all here.
 */
import http from 'node:http';
import { buildApp, startFauxqs } from 'fauxqs';
import { AwsServiceError, LOCAL_ACCOUNT_ID } from '../aws-protocol.js';

/** A raw HTTP answer from fauxqs, passed back to SDK clients after URL rewriting. */
interface BackendResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** One message as fauxqs's inspection endpoint shows it (`SqsMessage` in fauxqs's types). */
interface InspectedMessage {
  messageId: string;
  body: string;
  delayUntil?: number;
  messageGroupId?: string;
}

/** The answer of `GET /_fauxqs/queues/:name`: a queue's attributes and every message it holds, by state. */
export interface QueueInspection {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  messages: {
    ready: InspectedMessage[];
    delayed: InspectedMessage[];
    inflight: { message: InspectedMessage; receiptHandle: string; visibilityDeadline: number }[];
  };
}

export interface FauxqsBackend {
  /** `http://127.0.0.1:<port>` where fauxqs answers. */
  readonly origin: string;
  readonly port: number;
  /** A QueueUrl fauxqs accepts for `name` (it finds queues by the last path segment when the host has no region). */
  queueUrl(name: string): string;
  /** Sends one SQS JSON request as-is (used by the listener); never throws on an AWS error status. */
  forward(
    target: string,
    body: Buffer,
    authorization: string | undefined,
    signal?: AbortSignal,
  ): Promise<BackendResponse>;
  /**
   * Calls one SQS operation and returns its parsed output; an AWS error answer throws `AwsServiceError`. `signal`
   * abandons a long poll.
   */
  call<T = Record<string, unknown>>(
    operation: string,
    input: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<T>;
  /** Non-destructive view of a queue; `undefined` when fauxqs has no queue of that name. */
  inspect(queueName: string): Promise<QueueInspection | undefined>;
  /** Names of every queue fauxqs holds. */
  queueNames(): Promise<string[]>;
  stop(): Promise<void>;
}

const SQS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.0';

/**
 * Starts fauxqs on loopback. Without `persistDir` it is `buildApp()` listening on 127.0.0.1 (state in memory).
 * With `persistDir` it has to be `startFauxqs({ dataDir })`, the only entry point that wires fauxqs's SQLite
 * persistence; that function always listens on 0.0.0.0, a fauxqs limitation documented in docs/local-cloud/sqs.md.
 */
export async function startFauxqsBackend(options: { persistDir?: string }): Promise<FauxqsBackend> {
  let port: number;
  let close: () => Promise<void>;
  if (options.persistDir) {
    const server = await startFauxqs({ port: 0, logger: false, dataDir: options.persistDir });
    port = server.port;
    close = () => server.stop();
  } else {
    const app = buildApp({ logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(address).port);
    close = () => app.close();
  }
  return new HttpFauxqsBackend(port, close);
}

class HttpFauxqsBackend implements FauxqsBackend {
  readonly origin: string;
  private readonly agent = new http.Agent({ keepAlive: true });

  constructor(
    readonly port: number,
    private readonly close: () => Promise<void>,
  ) {
    this.origin = `http://127.0.0.1:${port}`;
  }

  queueUrl(name: string): string {
    return `${this.origin}/${LOCAL_ACCOUNT_ID}/${name}`;
  }

  forward(target: string, body: Buffer, authorization: string | undefined, signal?: AbortSignal) {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': SQS_JSON_CONTENT_TYPE,
      'content-length': body.length,
      'x-amz-target': target,
    };
    // fauxqs reads the region of CreateQueue/GetQueueUrl from the SigV4 credential scope, so the signature travels.
    if (authorization) headers.authorization = authorization;
    return this.request('POST', '/', headers, body, signal);
  }

  async call<T>(operation: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const response = await this.forward(
      `AmazonSQS.${operation}`,
      Buffer.from(JSON.stringify(input)),
      undefined,
      signal,
    );
    const text = response.body.toString('utf8');
    const parsed = (text.length === 0 ? {} : JSON.parse(text)) as Record<string, unknown>;
    if (response.statusCode >= 400) {
      const code = String(parsed.__type ?? 'InternalFailure').replace(/^.*#/, '');
      throw new AwsServiceError(code, String(parsed.message ?? parsed.Message ?? text), response.statusCode);
    }
    return parsed as T;
  }

  async inspect(queueName: string): Promise<QueueInspection | undefined> {
    const response = await this.request('GET', `/_fauxqs/queues/${encodeURIComponent(queueName)}`, {});
    if (response.statusCode === 404) return undefined;
    if (response.statusCode !== 200) {
      throw new Error(`fauxqs inspection of ${queueName} answered HTTP ${response.statusCode}`);
    }
    return JSON.parse(response.body.toString('utf8')) as QueueInspection;
  }

  async queueNames(): Promise<string[]> {
    const response = await this.request('GET', '/_fauxqs/queues', {});
    if (response.statusCode !== 200) throw new Error(`fauxqs queue listing answered HTTP ${response.statusCode}`);
    return (JSON.parse(response.body.toString('utf8')) as { name: string }[]).map((queue) => queue.name);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.close();
  }

  private request(
    method: string,
    path: string,
    headers: http.OutgoingHttpHeaders,
    body?: Buffer,
    signal?: AbortSignal,
  ): Promise<BackendResponse> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent, signal },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const flatHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined) flatHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ statusCode: response.statusCode ?? 500, headers: flatHeaders, body: Buffer.concat(chunks) });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}
