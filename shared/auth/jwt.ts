/**
 * Verification of the API's bearer tokens: RS256 JWTs signed by the identity provider, whose public keys (a key set
 * looked up by `kid`) and expected issuer and audience the caller passes in. No environment and no AWS here, so the
 * rules are tested with keys generated in the test. Nothing here is tied to the authorizer: any signed token of this
 * shape (a signed proof carried in an event, say) is verified with the same `verifyToken` and a key set of its own.
 *
 * Every rejection is an `UnauthorizedError` whose message says why, for the log. The reason never goes back to the
 * client (API Gateway answers a bare 401), and the token itself is never part of it.
 */
import { type CryptoKey, decodeProtectedHeader, errors, importSPKI, type JWTPayload, jwtVerify } from 'jose';
import * as z from 'zod';
import { UnauthorizedError } from '../errors.js';

/** The algorithm of the identity provider's tokens; a key set is asked for keys of this algorithm only. */
export const JWT_ALGORITHM = 'RS256';
/**
 * The algorithm of platform-issued tokens (service accounts): ECDSA P-256, signed by a KMS key whose private half never
 * leaves KMS (docs/service-accounts.md). A verifier expects exactly one of the two, never either.
 */
export const PLATFORM_TOKEN_ALGORITHM = 'ES256';
type TokenAlgorithm = typeof JWT_ALGORITHM | typeof PLATFORM_TOKEN_ALGORITHM;
/** Clocks drift a little between the issuer and Lambda; more slack would stretch every token's lifetime. */
const MAX_CLOCK_TOLERANCE_SECONDS = 5;

export const PublicKeyEntries = z
  .array(z.object({ kid: z.string().min(1), publicKeyPem: z.string().includes('BEGIN PUBLIC KEY') }))
  .refine((entries) => new Set(entries.map((entry) => entry.kid)).size === entries.length, 'kids must be unique');
export type PublicKeyEntries = z.infer<typeof PublicKeyEntries>;

/**
 * The keys a token may be signed with, looked up by `kid`: fixed keys imported from PEMs
 * ({@link importVerificationKeys}), or an issuer's JSON Web Key Set that is fetched and refreshed
 * (`adapters/remote-key-set.ts`).
 */
export interface VerificationKeys {
  /**
   * The public key with this kid, or `undefined` when the set has none: the token is then refused. Rejects only
   * when the set itself cannot be read (a configuration or availability error, never a refused token).
   */
  keyFor(kid: string): Promise<CryptoKey | undefined>;
}

export interface ClaimsPolicy {
  readonly issuer: string;
  readonly audience: string;
  /** Capped at {@link MAX_CLOCK_TOLERANCE_SECONDS}. @default MAX_CLOCK_TOLERANCE_SECONDS */
  readonly clockToleranceSeconds?: number;
  /** The one algorithm the token may name. @default JWT_ALGORITHM */
  readonly algorithm?: TokenAlgorithm;
}

/** Who the token says the caller is. */
export interface VerifiedIdentity {
  readonly sub: string;
  readonly roles: readonly string[];
  readonly tenant: string;
}

/** Parses the JSON of JWT_PUBLIC_KEYS (`[{ kid, publicKeyPem }]`). A bad value is a deployment error, not a 401. */
export function parsePublicKeyEntries(json: string): PublicKeyEntries {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw new Error('JWT_PUBLIC_KEYS is not JSON', { cause });
  }
  const parsed = PublicKeyEntries.safeParse(value);
  if (!parsed.success) throw new Error(`JWT_PUBLIC_KEYS is invalid: ${parsed.error.message}`);
  return parsed.data;
}

export async function importVerificationKeys(entries: PublicKeyEntries): Promise<VerificationKeys> {
  const imported = new Map(
    await Promise.all(
      entries.map(async ({ kid, publicKeyPem }) => [kid, await importSPKI(publicKeyPem, JWT_ALGORITHM)] as const),
    ),
  );
  return { keyFor: async (kid) => imported.get(kid) };
}

/** `Bearer <jwt>`; the scheme is case-insensitive (RFC 7235). */
export function bearerTokenOf(authorizationHeader: string | undefined): string {
  const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(authorizationHeader?.trim() ?? '');
  if (!match?.[1]) throw new UnauthorizedError('The Authorization header is not "Bearer <jwt>"');
  return match[1];
}

/** A bearer token's identity: its signature, issuer, audience and expiry verified, then `sub`, `tenant` and `roles`. */
export async function verifyToken(
  token: string,
  keys: VerificationKeys,
  policy: ClaimsPolicy,
): Promise<VerifiedIdentity> {
  return identityOf(await verifyClaims(token, keys, policy));
}

/**
 * A signed token's claims, once its header, signature, issuer, audience and expiry verify: for a token that carries
 * more than an identity (an agent's delegation proof), whose caller reads the claims it needs.
 */
export async function verifyClaims(
  token: string,
  keys: VerificationKeys,
  policy: ClaimsPolicy,
): Promise<JWTPayload & { sub: string }> {
  const algorithm = policy.algorithm ?? JWT_ALGORITHM;
  const key = await keyFor(token, keys, algorithm);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [algorithm],
      issuer: policy.issuer,
      audience: policy.audience,
      clockTolerance: Math.min(
        policy.clockToleranceSeconds ?? MAX_CLOCK_TOLERANCE_SECONDS,
        MAX_CLOCK_TOLERANCE_SECONDS,
      ),
      // jose checks exp only when present; a token without one would never expire.
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw new UnauthorizedError(rejectionReason(error), { cause: error });
  }
  const { sub } = payload;
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedError('The token claim sub is missing');
  return { ...payload, sub };
}

async function keyFor(token: string, keys: VerificationKeys, algorithm: TokenAlgorithm): Promise<CryptoKey> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw new UnauthorizedError('The token header is not valid', { cause });
  }
  if (header.alg !== algorithm) throw new UnauthorizedError(`The token algorithm ${String(header.alg)} is not allowed`);
  if (typeof header.kid !== 'string' || header.kid.length === 0) throw new UnauthorizedError('The token has no kid');
  // The header is checked before any key is looked up, so a remote key set is never asked for a kid of a token
  // that names another algorithm, or none.
  const key = await keys.keyFor(header.kid);
  if (!key) throw new UnauthorizedError(`The token kid ${header.kid.slice(0, 64)} is not a known key`);
  return key;
}

function rejectionReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The token signature is not valid';
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The token claim ${error.claim} is not valid: ${error.reason}`;
  if (error instanceof errors.JOSEError) return `The token is not valid (${error.code})`;
  return 'The token could not be verified';
}

/** `sub`, `tenant` and `roles` of verified claims; any of them missing or malformed refuses the token. */
export function identityOf(payload: JWTPayload & { sub: string }): VerifiedIdentity {
  const { sub, roles, tenant } = payload;
  if (typeof tenant !== 'string' || tenant.length === 0)
    throw new UnauthorizedError('The token claim tenant is missing');
  if (!Array.isArray(roles)) throw new UnauthorizedError('The token claim roles is not an array');
  // Roles travel to the API as one comma-separated context value, so a comma inside a role would forge another role.
  if (!roles.every((role): role is string => typeof role === 'string' && role.length > 0 && !role.includes(','))) {
    throw new UnauthorizedError('The token claim roles must hold non-empty strings without commas');
  }
  return { sub, roles, tenant };
}
