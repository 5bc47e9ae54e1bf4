/**
 * The token trust of this deployment, from the environment the API stack sets: JWT_PUBLIC_KEYS (the JSON
 * `[{ kid, publicKeyPem }]`), JWT_ISSUER and JWT_AUDIENCE. Read on every call, so a changed value is picked up.
 */
import { requiredEnv } from '../../../shared/environment.js';
import { importVerificationKeys, parsePublicKeyEntries, type VerificationKeys } from '../domain/jwt.js';
import type { TokenTrust } from '../ports/token-trust.js';

/**
 * Build it once per execution environment (at module load): it keeps the keys it imported, because importing a PEM
 * costs more than verifying a signature.
 */
export function tokenTrustFromEnv(): TokenTrust {
  let cachedKeys: { source: string; keys: Promise<VerificationKeys> } | undefined;
  return {
    keys() {
      const source = requiredEnv('JWT_PUBLIC_KEYS');
      if (cachedKeys?.source !== source) {
        const keys = importVerificationKeys(parsePublicKeyEntries(source));
        // A failed import is not cached, so that a corrected configuration is picked up without a cold start.
        keys.catch(() => {
          if (cachedKeys?.keys === keys) cachedKeys = undefined;
        });
        cachedKeys = { source, keys };
      }
      return cachedKeys.keys;
    },
    claims: () => ({ issuer: requiredEnv('JWT_ISSUER'), audience: requiredEnv('JWT_AUDIENCE') }),
  };
}
