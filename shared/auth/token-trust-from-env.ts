/**
 * The token trust of this deployment, from the environment the API stack sets: JWT_ISSUER, JWT_AUDIENCE and one key
 * source, chosen by which variable is set:
 *
 * - JWT_JWKS_URL: the issuer's JSON Web Key Set, fetched and refreshed (`remote-key-set.ts`), so a key the issuer adds
 *   is accepted without a deployment (deployed stages);
 * - JWT_PUBLIC_KEYS: fixed keys, the JSON `[{ kid, publicKeyPem }]` (the local stage's dev key).
 *
 * Both, or neither, is a deployment error. Read on every call, so a changed value is picked up.
 *
 * Staging also trusts its e2e issuer (docs/adr/0042-an-e2e-issuer-for-staging.md): JWT_E2E_ISSUER and
 * JWT_E2E_PUBLIC_KEYS (fixed keys, the same JSON), set together or not at all, and never to the identity provider's
 * issuer, whose tokens would then be verified with the e2e keys.
 */
import { optionalEnv, requiredEnv } from '../environment.js';
import { importVerificationKeys, parsePublicKeyEntries, type VerificationKeys } from './jwt.js';
import { remoteKeySet } from './remote-key-set.js';
import type { IssuerTrust, TokenTrust } from './token-trust.js';

/** The token trust's environment contradicts itself: a deployment error, never a refused token. */
export class TokenTrustConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenTrustConfigurationError';
  }
}

/**
 * Build it once per execution environment (at module load): it keeps the keys it imported, because importing a PEM
 * costs more than verifying a signature, and the key set it fetched, which a fetch per request would turn into a
 * dependency of every request on the issuer.
 */
export function tokenTrustFromEnv(): TokenTrust {
  const issuerKeys = cachedKeys();
  const e2eKeys = cachedKeys();
  return {
    keys: () => issuerKeys(keySource()),
    claims: () => ({ issuer: requiredEnv('JWT_ISSUER'), audience: requiredEnv('JWT_AUDIENCE') }),
    e2eIssuer: (): IssuerTrust | undefined => {
      const issuer = optionalEnv('JWT_E2E_ISSUER', '');
      const publicKeys = optionalEnv('JWT_E2E_PUBLIC_KEYS', '');
      if (!issuer && !publicKeys) return undefined;
      if (!issuer || !publicKeys) {
        throw new TokenTrustConfigurationError('JWT_E2E_ISSUER and JWT_E2E_PUBLIC_KEYS are set together or not at all');
      }
      if (issuer === requiredEnv('JWT_ISSUER')) {
        throw new TokenTrustConfigurationError("JWT_E2E_ISSUER is the identity provider's issuer; it must be its own");
      }
      return {
        issuer,
        keys: () =>
          e2eKeys({
            id: `pem ${publicKeys}`,
            load: async () => importVerificationKeys(parsePublicKeyEntries(publicKeys)),
          }),
      };
    },
  };
}

interface KeySource {
  readonly id: string;
  readonly load: () => Promise<VerificationKeys>;
}

/** Keys kept for as long as their source stays the same. */
function cachedKeys(): (source: KeySource) => Promise<VerificationKeys> {
  let cached: { source: string; keys: Promise<VerificationKeys> } | undefined;
  return (source) => {
    if (cached?.source !== source.id) {
      const keys = source.load();
      // A failed import is not cached, so that a corrected configuration is picked up without a cold start.
      keys.catch(() => {
        if (cached?.keys === keys) cached = undefined;
      });
      cached = { source: source.id, keys };
    }
    return cached.keys;
  };
}

function keySource(): KeySource {
  const jwksUrl = optionalEnv('JWT_JWKS_URL', '');
  const publicKeys = optionalEnv('JWT_PUBLIC_KEYS', '');
  if (jwksUrl && publicKeys) {
    throw new Error('JWT_JWKS_URL and JWT_PUBLIC_KEYS are both set; the stage configuration sets one key source');
  }
  if (jwksUrl) return { id: `jwks ${jwksUrl}`, load: async () => remoteKeySet(parseUrl(jwksUrl)) };
  if (publicKeys) {
    return { id: `pem ${publicKeys}`, load: async () => importVerificationKeys(parsePublicKeyEntries(publicKeys)) };
  }
  throw new Error(
    'Neither JWT_JWKS_URL nor JWT_PUBLIC_KEYS is set; the construct that binds the authorizer is missing',
  );
}

function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch (cause) {
    throw new Error('JWT_JWKS_URL is not a URL', { cause });
  }
}
