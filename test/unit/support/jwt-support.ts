/** Keys generated per test run and a token factory, so JWT tests never depend on committed key material. */
import { type CryptoKey, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { importVerificationKeys } from '../../../shared/auth/jwt.js';
import type { TokenTrust } from '../../../shared/auth/token-trust.js';

export const ISSUER = 'https://issuer.test';
export const AUDIENCE = 'sagastack-api';
export const KID = 'test-key-1';

export interface TestKeys {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicKeyPem: string;
}

export async function generateTestKeys(): Promise<TestKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { privateKey, publicKey, publicKeyPem: await exportSPKI(publicKey) };
}

export interface TokenOptions {
  readonly claims?: Record<string, unknown>;
  /** Claims to leave out of the defaults. */
  readonly without?: readonly string[];
  readonly header?: Record<string, unknown>;
  /** Seconds from now; negative for a token that has expired. */
  readonly expiresIn?: number | null;
}

const DEFAULT_CLAIMS = {
  sub: 'user-ada',
  roles: ['customer'],
  tenant: 'tenant-a',
  iss: ISSUER,
  aud: AUDIENCE,
};

export async function signToken(privateKey: CryptoKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = { ...DEFAULT_CLAIMS, iat: now, ...options.claims };
  if (options.expiresIn !== null) claims.exp = now + (options.expiresIn ?? 600);
  for (const name of options.without ?? []) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: KID, ...options.header }).sign(privateKey);
}

/** The e2e issuer's `iss` and `kid` in tests of a stage that trusts it (docs/adr/0042-an-e2e-issuer-for-staging.md). */
export const E2E_ISSUER = 'urn:sagastack:e2e';
export const E2E_KID = 'e2e-1';

/** `trust` with an e2e issuer beside its identity provider, as Staging's, and that issuer's fresh keys. */
export async function withE2eIssuer(trust: TokenTrust): Promise<{ trust: TokenTrust; keys: TestKeys }> {
  const keys = await generateTestKeys();
  const verificationKeys = await importVerificationKeys([{ kid: E2E_KID, publicKeyPem: keys.publicKeyPem }]);
  return { trust: { ...trust, e2eIssuer: () => ({ issuer: E2E_ISSUER, keys: async () => verificationKeys }) }, keys };
}
