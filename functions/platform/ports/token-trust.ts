import type { ClaimsPolicy, VerificationKeys } from '../domain/jwt.js';

/**
 * What a bearer token is verified against: the identity provider's public keys and the claims its tokens carry.
 * Both are configuration, so a failure to provide them is a deployment error, never a refused token.
 */
export interface TokenTrust {
  /** The public keys by `kid`. */
  keys(): Promise<VerificationKeys>;
  /** The expected issuer and audience. */
  claims(): ClaimsPolicy;
}
