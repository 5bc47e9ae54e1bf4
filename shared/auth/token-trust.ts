import type { ClaimsPolicy, VerificationKeys } from './jwt.js';

/**
 * What a signed token is verified against: the issuer's public keys and the claims its tokens carry. Both are
 * configuration, so a failure to provide them is a deployment error, never a refused token. The authorizer builds one
 * from its environment (`adapters/token-trust-from-env.ts`); other verifiers of signed tokens pass their own to
 * `verifyToken` (`domain/jwt.ts`).
 */
export interface TokenTrust {
  /**
   * The issuer's public keys, looked up by `kid`: fixed, or a key set that refreshes itself (the same object keeps
   * answering for keys the issuer adds later).
   */
  keys(): Promise<VerificationKeys>;
  /** The expected issuer and audience. */
  claims(): ClaimsPolicy;
}
