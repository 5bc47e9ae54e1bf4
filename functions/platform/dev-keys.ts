/**
 * The development key pair for JWTs, PUBLIC ON PURPOSE: anyone can mint tokens with it, which is the point for local
 * development and end-to-end tests. Only the `local` stage (the embedded local cloud on loopback) accepts it, as its
 * fixed keys (JWT_PUBLIC_KEYS); dev, staging and prod read their issuer's key set, or keys given at synth time (see
 * lib/config/stages.ts), and never this one.
 *
 * `npm run token` and the end-to-end tests sign with {@link signDevToken}.
 */
import { importPKCS8 } from 'jose';
import { type AgentProofClaims, type SignedTokenClaims, type TokenSigner, tokenSigner } from './token-signer.js';

export const DEV_JWT_ISSUER = 'https://auth.local.sagastack.dev';
export const DEV_JWT_AUDIENCE = 'sagastack-api';
export const DEV_JWT_KID = 'local-dev-1';

export const DEV_JWT_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkDVI2aV7V157M6q/Tu8h
spT4fMg7ba5Kt2dDAxI5ul0fuwWXznzZHUMkGQf2f8wASQ+dfMpaTg/nAC3Vu4of
B9gsuyl7vYMP3zEf3VRS3LJQxFrJ27FAgAtpoSvmY9eAGv8Qq6OT42YD9l8KPeYX
bk9lvGUtWm81dcC9ecNSfcZa/+6XEpzmdDCYHtrQLRba/kYvV96M+/1AbtbPcIOr
s0rR0h/7+ju9qpArsrCjWWLUo7erKUOiQL5DMi3O4Z3oE098wV4Du+0MZNHc7cPA
R0NhPCh4KTwiRHHAqDPFUp4H6yfRYZB/cOM806sdfMeTpC2VNAIASnniGKccCFbW
RQIDAQAB
-----END PUBLIC KEY-----`;

/** Never accepted outside the `local` stage; committed so that anyone with the repository can mint local tokens. */
const DEV_JWT_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCQNUjZpXtXXnsz
qr9O7yGylPh8yDttrkq3Z0MDEjm6XR+7BZfOfNkdQyQZB/Z/zABJD518ylpOD+cA
LdW7ih8H2Cy7KXu9gw/fMR/dVFLcslDEWsnbsUCAC2mhK+Zj14Aa/xCro5PjZgP2
Xwo95hduT2W8ZS1abzV1wL15w1J9xlr/7pcSnOZ0MJge2tAtFtr+Ri9X3oz7/UBu
1s9wg6uzStHSH/v6O72qkCuysKNZYtSjt6spQ6JAvkMyLc7hnegTT3zBXgO77Qxk
0dztw8BHQ2E8KHgpPCJEccCoM8VSngfrJ9FhkH9w4zzTqx18x5OkLZU0AgBKeeIY
pxwIVtZFAgMBAAECggEABLYs+Wl5+G6OlW9SfVR8VB6gaMlNAcYkTE48JwVJLBDf
WMezwEwdduKK8yNqtx21860mLt3YqfzEhiG5Pj2iymmSepH+KEC4O8lZ2mwnIe1U
jLnPpxUpP5W/34N07VWs6pTjWUxIqHEcl4fe6ItUQCcpcoiWvQHtq/l+Z1RNpWzR
WajbyZElO9gvaShdkHH4NCKRbr5+U1grbAasknE9Hl9LD0pY6kqARZauqa6hJPN5
iXfZpd1El+Z3OhR3G42CO7lrfayWziKw2t/Ai1Pkm6OrISkLH7ZvVCZ+vrRfsf3K
T8hXe14CsHtDtmUmUzqTeKM7DqHm4Mhxi8xHCZpiWQKBgQDJ7oUdvSahOO3WrLA5
6/G4NwYdIg4T0R3EbhZ+vqyOLRBwJ7Fo8DlmmFhNDH/c+bO8jbJTo0x3x0pxPW64
ywZaBVLyXdnt7ccO0bb7PdloYxuzVXCu9lAeaGLXz+AqR1CkOmrgGCRRcmw2rz+t
zI5iRJlz7ChpMBsQcqgXfHG4SQKBgQC20hT73k1gSEWvJIqQazmP67ZdMcnFE0Ld
FtPpJR1/MEcQB1abz1jNPevr4FmBK8CcStGHvRdNPsXpBmNN6z0qfwI5Qi4YxG9W
58SaAOwdTgTbNCPNDcrsRFUaBMHoiGPMxY1qynRkc+8+nRGIkhO/cMVGNcWfgncr
SWu+eIlGHQKBgB5UyYHyC39kAbWhMsdAfYpiGXT+zIaFfqcmshJPqbOhaTqve6J7
kuOqNnk8S2hxyWGlFwghGzdSpAfmZl8zf7y91/u3xShL8v5y2b1bSPC5EkwZpVdi
gB5RJ6eq/czb8Wz5qVwHxEzHlyGPqUz90NVJ4JLdAiTqqOYLktwUQTChAoGBAKVi
wXbksQzT9K4vmWZyib1H2E7Qlp5BAXDukL/OQrPn4bF/YftMBSKOzNkyuOWgxfrd
uFVaWzUW/4UBsV4w28GQ6lsQIpFnSu3Md092XCNajAwdS/HZc2RvoKkL+rs4f0gk
wv0Dr22cb6cuAkmRFGpQQzZzuJbHOLUhE2ZYtp6FAoGBAIHOtKDkHX87qRtv7ps9
jkcCu1itu45DUEfSYH+4YAt8VeaqQDwsDnKHo8yTZlYe7Ylfi2mLd3JFfO5jCJTx
z4lRWSaiMVL1DhAI9tICZgh7kk8mRFal0o8/aNPBjHkK2smktvcJn9PmS88MGbh3
aEEA+6udVv6U3e9TZ9s+8zor
-----END PRIVATE KEY-----`;

/** The value of JWT_PUBLIC_KEYS for the local stage. */
export const DEV_JWT_PUBLIC_KEYS = [{ kid: DEV_JWT_KID, publicKeyPem: DEV_JWT_PUBLIC_KEY_PEM }] as const;

/** Claims of a dev token. */
export type DevTokenClaims = SignedTokenClaims;
/** Claims of a dev delegation proof. */
export type DevAgentProofClaims = AgentProofClaims;

/** Signs as the local stage's issuer: the dev issuer, audience and kid, with the committed private key. */
export const devSigner: TokenSigner = tokenSigner({
  issuer: DEV_JWT_ISSUER,
  audience: DEV_JWT_AUDIENCE,
  kid: DEV_JWT_KID,
  privateKey: () => importPKCS8(DEV_JWT_PRIVATE_KEY_PEM, 'RS256'),
});

/** A token the local stage's authorizer accepts: RS256, kid `local-dev-1`, the dev issuer and audience. */
export function signDevToken(claims: DevTokenClaims): Promise<string> {
  return devSigner.signToken(claims);
}

/**
 * A delegation proof the local stage's CheckoutRequested consumer accepts (docs/adr/0027): what the identity provider
 * would issue an agent that a customer delegated to, for one request.
 */
export function signDevAgentProof(claims: DevAgentProofClaims): Promise<string> {
  return devSigner.signAgentProof(claims);
}
