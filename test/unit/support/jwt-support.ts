/** Keys generated per test run and a token factory, so JWT tests never depend on committed key material. */
import { type CryptoKey, exportSPKI, generateKeyPair, SignJWT } from 'jose';

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
