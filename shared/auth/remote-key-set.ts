/**
 * An issuer's JSON Web Key Set, fetched over HTTPS with jose's `createRemoteJWKSet`: it keeps the set for `maxAgeMs`,
 * and fetches it again when a token names a kid the set does not hold, at most once per `cooldownMs`. So an issuer
 * that starts signing with a new key is followed within one fetch, without a deployment, and a stream of tokens with
 * made-up kids costs one fetch per cooldown, not one per token.
 *
 * When a fetch fails (the issuer unreachable, a timeout, an answer that is no key set), the keys fetched before still
 * verify: an outage of the issuer must not refuse the tokens it signed earlier. A kid those keys do not hold is then
 * an availability error (the authorizer answers 500), not a refused token: it may be a key the issuer just added.
 */
import { type CryptoKey, createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet } from 'jose';
import { JWT_ALGORITHM, type VerificationKeys } from './jwt.js';

export interface RemoteKeySetOptions {
  /** How long one fetch may take. @default 5000 */
  readonly timeoutMs?: number;
  /** The least time between two fetches caused by an unknown kid. @default 30000 */
  readonly cooldownMs?: number;
  /** How long a fetched set is used before it is fetched again. @default 600000 (10 minutes) */
  readonly maxAgeMs?: number;
}

/** Loopback hosts, where a test or a local issuer may serve its key set over plain HTTP. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function remoteKeySet(url: URL, options: RemoteKeySetOptions = {}): VerificationKeys {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    // Keys fetched over plain HTTP could be swapped on the way, and whoever swaps them signs any token.
    throw new Error(`The JSON Web Key Set URL must be https: ${url.href}`);
  }
  const remote = createRemoteJWKSet(url, {
    timeoutDuration: options.timeoutMs ?? 5000,
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.maxAgeMs ?? 600_000,
  });
  let fallback: { json: string; keys: ReturnType<typeof createLocalJWKSet> } | undefined;
  /** The set last fetched, as a key resolver of its own; `undefined` before the first successful fetch. */
  const lastFetched = () => {
    const jwks: JSONWebKeySet | undefined = remote.jwks();
    if (!jwks) return undefined;
    const json = JSON.stringify(jwks);
    if (fallback?.json !== json) fallback = { json, keys: createLocalJWKSet(jwks) };
    return fallback.keys;
  };

  return {
    async keyFor(kid) {
      const header = { alg: JWT_ALGORITHM, kid };
      try {
        return await remote(header);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) return undefined;
        if (!isFetchFailure(error)) throw keySetError(url, error);
        const stale = lastFetched();
        if (!stale) throw keySetError(url, error);
        try {
          return (await stale(header)) as CryptoKey;
        } catch (staleError) {
          throw keySetError(url, staleError instanceof errors.JWKSNoMatchingKey ? error : staleError);
        }
      }
    },
  };
}

/**
 * Whether the error is about reaching or reading the key set (network, timeout, status, JSON, shape), as opposed to
 * the keys in it (two keys for one kid, a key that does not import), which the last fetched set would repeat.
 */
function isFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSMultipleMatchingKeys) return false;
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose's own errors for a non-200 answer or a body that is not JSON are plain JOSEErrors; fetch's are TypeErrors.
  return error instanceof TypeError || (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
}

/** A key set that cannot be read is a configuration or availability error: never an `UnauthorizedError`. */
function keySetError(url: URL, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`The JSON Web Key Set at ${url.href} could not be used: ${reason}`, { cause });
}
