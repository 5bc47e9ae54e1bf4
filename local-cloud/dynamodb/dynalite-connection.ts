/**
 * The private dynalite server behind the listener, and the two ways of talking to it: typed JSON calls made by this
 * module (transactions, TTL, table creation) and raw forwarding of client requests.
 */
import { Agent, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { AwsServiceError, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws-protocol.js';

/** An attribute value in the DynamoDB wire format, e.g. `{ S: 'abc' }`. */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

export interface RawResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// dynalite only checks that a SigV4-shaped header is present; it never verifies the signature.
const INTERNAL_AUTH_HEADERS = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
  'x-amz-date': '20200101T000000Z',
};

// Headers describing one hop of a connection; each hop sets its own.
const HOP_BY_HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host']);

export class DynaliteConnection {
  private readonly agent = new Agent({ keepAlive: true });

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts dynalite on an ephemeral loopback port with table state changes that complete immediately. */
  static async start(persistDir: string | undefined): Promise<DynaliteConnection> {
    const server = withLocalAccountEnvironment(() =>
      dynalite({
        ...(persistDir ? { path: persistDir } : {}),
        createTableMs: 0,
        deleteTableMs: 0,
        updateTableMs: 0,
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new DynaliteConnection(server, (server.address() as AddressInfo).port);
  }

  /** Calls a DynamoDB operation; a non-200 answer is thrown as the `AwsServiceError` dynalite described. */
  async call<T = Record<string, unknown>>(operation: string, input: unknown): Promise<T> {
    const body = Buffer.from(JSON.stringify(input));
    const response = await this.send(
      'POST',
      '/',
      {
        ...INTERNAL_AUTH_HEADERS,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
      },
      body,
    );
    const text = response.body.toString('utf8');
    const parsed = (text.length > 0 ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (response.statusCode !== 200) {
      const type = typeof parsed.__type === 'string' ? parsed.__type : 'InternalServerError';
      const message = String(parsed.message ?? parsed.Message ?? '');
      throw new AwsServiceError(type, message, response.statusCode);
    }
    return parsed as T;
  }

  /** Sends a client's request on unchanged (apart from per-hop headers) and returns dynalite's answer whole. */
  forward(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<RawResponse> {
    return this.send(method, url, withoutHopByHopHeaders(headers), body);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private send(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    body: Buffer,
  ): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: { ...headers, 'content-length': body.length },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () =>
            resolve({ statusCode: incoming.statusCode ?? 500, headers: incoming.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }
}

export function withoutHopByHopHeaders(headers: IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP_HEADERS.has(name.toLowerCase())));
}

/**
 * dynalite builds table ARNs from `AWS_REGION` / `AWS_ACCOUNT_ID` when its store is created; pin them to the local
 * cloud's account and region so ARNs match the ones the template resolver produces, whatever the shell exported.
 */
function withLocalAccountEnvironment<T>(create: () => T): T {
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = LOCAL_REGION;
  process.env.AWS_ACCOUNT_ID = LOCAL_ACCOUNT_ID;
  try {
    return create();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
