import { decodeJwt } from 'jose';
import { UnauthorizedError } from '../errors.js';
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
  /**
   * A second issuer trusted beside the identity provider, with keys of its own and the same audience: Staging's e2e
   * issuer (docs/adr/0042-an-e2e-issuer-for-staging.md). `undefined`, or no such method, where the stage trusts none,
   * which is every stage but Staging.
   */
  e2eIssuer?(): IssuerTrust | undefined;
}

/** One more issuer a stage trusts: its `iss` and its keys. */
export interface IssuerTrust {
  readonly issuer: string;
  keys(): Promise<VerificationKeys>;
}

/**
 * The issuer a token is verified against and its keys, chosen by the `iss` the token names before anything is
 * verified: a token naming the e2e issuer is verified with the e2e keys only, any other with the identity provider's
 * (and refused on its issuer if it names neither). A token is never tried against the other issuer's keys, so neither
 * key can sign for the other issuer. Where the stage trusts one issuer, the token is not even decoded here.
 */
export async function issuerFor(
  token: string,
  trust: TokenTrust,
): Promise<{ readonly issuer: string; readonly keys: VerificationKeys }> {
  const e2e = trust.e2eIssuer?.();
  if (e2e && unverifiedIssuerOf(token) === e2e.issuer) return { issuer: e2e.issuer, keys: await e2e.keys() };
  return { issuer: trust.claims().issuer, keys: await trust.keys() };
}

/** The unverified `iss`, only to choose which verification applies; a token that is no JWT is refused here. */
export function unverifiedIssuerOf(token: string): string | undefined {
  try {
    return decodeJwt(token).iss;
  } catch (cause) {
    throw new UnauthorizedError('The token payload is not valid', { cause });
  }
}
