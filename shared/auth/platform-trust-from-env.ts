/**
 * The trust of platform-issued tokens, from the environment the API stack sets for the authorizer. A module of its
 * own so that verifiers of user tokens only (`token-trust-from-env.ts`) do not load the KMS client at cold start.
 */
import { optionalEnv, requiredEnv } from '../environment.js';
import type { VerificationKeys } from './jwt.js';
import { kmsVerificationKeys } from './platform-keys.js';

/** What platform-issued tokens are verified against: the platform issuer and audience, and the KMS key's public half. */
export interface PlatformTokenTrust {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: VerificationKeys;
}

/**
 * The trust of platform-issued tokens (service accounts), from PLATFORM_TOKEN_ISSUER, PLATFORM_TOKEN_AUDIENCE and
 * PLATFORM_SIGNING_KEY_ARN; `undefined` where the stage issues none (no issuer set), and every such token is then
 * refused as a user token of an unknown issuer would be. Build it once per execution environment: it keeps the key.
 */
export function platformTokenTrustFromEnv(): PlatformTokenTrust | undefined {
  const issuer = optionalEnv('PLATFORM_TOKEN_ISSUER', '');
  if (!issuer) return undefined;
  return {
    issuer,
    audience: requiredEnv('PLATFORM_TOKEN_AUDIENCE'),
    keys: kmsVerificationKeys(requiredEnv('PLATFORM_SIGNING_KEY_ARN')),
  };
}
