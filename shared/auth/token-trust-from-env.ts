/**
 * The token trust of this deployment, from the environment the API stack sets: JWT_ISSUER, JWT_AUDIENCE and one key
 * source, chosen by which variable is set:
 *
 * - JWT_JWKS_URL: the issuer's JSON Web Key Set, fetched and refreshed (`remote-key-set.ts`), so a key the issuer adds
 *   is accepted without a deployment (deployed stages);
 * - JWT_PUBLIC_KEYS: fixed keys, the JSON `[{ kid, publicKeyPem }]` (the local stage's dev key).
 *
 * Both, or neither, is a deployment error. Read on every call, so a changed value is picked up.
 */
import { optionalEnv, requiredEnv } from '../environment.js';
import { importVerificationKeys, parsePublicKeyEntries, type VerificationKeys } from './jwt.js';
import { remoteKeySet } from './remote-key-set.js';
import type { TokenTrust } from './token-trust.js';

/**
 * Build it once per execution environment (at module load): it keeps the keys it imported, because importing a PEM
 * costs more than verifying a signature, and the key set it fetched, which a fetch per request would turn into a
 * dependency of every request on the issuer.
 */
export function tokenTrustFromEnv(): TokenTrust {
  let cachedKeys: { source: string; keys: Promise<VerificationKeys> } | undefined;
  return {
    keys() {
      const source = keySource();
      if (cachedKeys?.source !== source.id) {
        const keys = source.load();
        // A failed import is not cached, so that a corrected configuration is picked up without a cold start.
        keys.catch(() => {
          if (cachedKeys?.keys === keys) cachedKeys = undefined;
        });
        cachedKeys = { source: source.id, keys };
      }
      return cachedKeys.keys;
    },
    claims: () => ({ issuer: requiredEnv('JWT_ISSUER'), audience: requiredEnv('JWT_AUDIENCE') }),
  };
}

function keySource(): { id: string; load: () => Promise<VerificationKeys> } {
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
