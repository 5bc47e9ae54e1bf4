/** Serves the local SQS on 127.0.0.1 like the edge does, with an SDK client configured like a local handler. */
import http, { type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type LocalSqs, startLocalSqs } from '../../local-cloud/sqs/index.js';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const region = 'us-east-1';
/** The SDK warns through its logger when it routes by a queue URL; the tests do that on purpose. */
export const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface SqsHarness {
  sqs: LocalSqs;
  /** The stand-in edge's base URL, given to the local SQS as its public endpoint. */
  endpoint: string;
  /** Default SQSClient settings; it finds the edge only through `AWS_ENDPOINT_URL`, as deployed handlers do. */
  client: SQSClient;
  stop(): Promise<void>;
}

export async function startSqsHarness(options: { persistDir?: string } = {}): Promise<SqsHarness> {
  let listener: RequestListener | undefined;
  const server = http.createServer((req, res) => {
    if (listener) listener(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sqs = await startLocalSqs({ publicEndpoint: endpoint, persistDir: options.persistDir });
  listener = sqs.listener;

  const previousEndpointUrl = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = endpoint;
  const client = new SQSClient({ region, credentials });
  return {
    sqs,
    endpoint,
    client,
    async stop() {
      client.destroy();
      if (previousEndpointUrl === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previousEndpointUrl;
      await sqs.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Re-runs `probe` until it returns a value other than `undefined`, for at most `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
