/**
 * An issuer's JSON Web Key Set served on 127.0.0.1:0 for the key set tests: the test decides which keys it holds (a
 * rotation is a call to `publish`) or that it fails, and counts how often it was fetched.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK } from 'jose';
import type { TestKeys } from './jwt-support.js';

export interface JwksServer {
  /** `http://127.0.0.1:<port>/.well-known/jwks.json`. */
  readonly url: URL;
  /** Fetches of the key set so far. */
  readonly fetches: number;
  /** From now on, the set holds these keys (RS256 signing keys, by kid). */
  publish(keys: ReadonlyArray<{ readonly kid: string; readonly keys: TestKeys }>): Promise<void>;
  /** From now on, every fetch answers this status with no key set. */
  failWith(status: number): void;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  let body = JSON.stringify({ keys: [] });
  let failure: number | undefined;
  let fetches = 0;
  const server = createServer((req, res) => {
    fetches += 1;
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
    } else if (failure !== undefined) {
      res.writeHead(failure, { 'Content-Type': 'text/plain' }).end('unavailable');
    } else {
      res.writeHead(200, { 'Content-Type': 'application/jwk-set+json' }).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`),
    get fetches() {
      return fetches;
    },
    async publish(keys) {
      const jwks = await Promise.all(
        keys.map(async ({ kid, keys: pair }) => ({
          ...(await exportJWK(pair.publicKey)),
          kid,
          alg: 'RS256',
          use: 'sig',
        })),
      );
      body = JSON.stringify({ keys: jwks });
      failure = undefined;
    },
    failWith(status) {
      failure = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
