/**
 * What a test client signs as an issuer the stage trusts: bearer tokens for the API, and agents' delegation proofs for
 * the CheckoutRequested consumer (docs/adr/0027). The committed dev key (`dev-keys.ts`, the local stage) and Staging's
 * e2e key (`e2e-issuer.ts`, docs/adr/0042-an-e2e-issuer-for-staging.md) both sign through {@link tokenSigner}, so
 * their tokens differ only in issuer, `kid` and key, never in shape.
 */
import { type CryptoKey, SignJWT } from 'jose';
import { CHECKOUT_REQUEST_PROOF_AUDIENCE } from '../../shared/contracts/events/checkout-events.js';

export interface SignedTokenClaims {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly tenant: string;
  /** @default 3600 */
  readonly expiresInSeconds?: number;
}

export interface AgentProofClaims {
  /** The machine identity acting (`act.sub`), e.g. `agent:shopper-bot`. */
  readonly agent: string;
  /** The customer it acts for (`sub`). */
  readonly customer: string;
  readonly tenant: string;
  /** The idempotency key of the one CheckoutRequested.v1 the proof is for. */
  readonly idempotencyKey: string;
  /** @default ['checkout-agent'] */
  readonly roles?: readonly string[];
  /** @default 300 */
  readonly expiresInSeconds?: number;
}

export interface TokenSigner {
  /** The `iss` of everything it signs. */
  readonly issuer: string;
  /** The `kid` of everything it signs: the verifier looks its public key up by it. */
  readonly kid: string;
  /** A bearer token for the API: RS256, the signer's `kid`, issuer and the API's audience. */
  signToken(claims: SignedTokenClaims): Promise<string>;
  /** A delegation proof an agent carries in a CheckoutRequested.v1, for the one request its idempotency key names. */
  signAgentProof(claims: AgentProofClaims): Promise<string>;
}

export interface SigningIssuer {
  readonly issuer: string;
  /** The API's audience (`aud` of bearer tokens); proofs name the CheckoutRequested consumer's instead. */
  readonly audience: string;
  readonly kid: string;
  /** Imported on first use and kept: importing a PEM costs more than signing. */
  readonly privateKey: () => Promise<CryptoKey>;
}

export function tokenSigner(signing: SigningIssuer): TokenSigner {
  let privateKey: Promise<CryptoKey> | undefined;
  const sign = async (
    payload: Record<string, unknown>,
    subject: string,
    audience: string,
    expiresInSeconds: number,
  ): Promise<string> => {
    privateKey ??= signing.privateKey();
    const nowSeconds = Math.floor(Date.now() / 1000);
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(signing.issuer)
      .setAudience(audience)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + expiresInSeconds)
      .sign(await privateKey);
  };
  return {
    issuer: signing.issuer,
    kid: signing.kid,
    signToken: (claims) =>
      sign(
        { roles: [...claims.roles], tenant: claims.tenant },
        claims.sub,
        signing.audience,
        claims.expiresInSeconds ?? 3600,
      ),
    signAgentProof: (claims) =>
      sign(
        {
          roles: [...(claims.roles ?? ['checkout-agent'])],
          tenant: claims.tenant,
          act: { sub: claims.agent },
          idempotency_key: claims.idempotencyKey,
        },
        claims.customer,
        CHECKOUT_REQUEST_PROOF_AUDIENCE,
        claims.expiresInSeconds ?? 300,
      ),
  };
}
