/**
 * Verification of the API's bearer tokens: RS256 JWTs signed by the identity provider, whose public keys (by `kid`)
 * and expected issuer and audience the caller passes in. No environment and no AWS here, so the rules are tested with
 * keys generated in the test.
 *
 * Every rejection is an `UnauthorizedError` whose message says why, for the log. The reason never goes back to the
 * client (API Gateway answers a bare 401), and the token itself is never part of it.
 */
import { type CryptoKey, decodeProtectedHeader, errors, importSPKI, type JWTPayload, jwtVerify } from 'jose';
import * as z from 'zod';
import { UnauthorizedError } from '../../../shared/errors.js';

const JWT_ALGORITHM = 'RS256';
/** Clocks drift a little between the issuer and Lambda; more slack would stretch every token's lifetime. */
const MAX_CLOCK_TOLERANCE_SECONDS = 5;

export const PublicKeyEntries = z
  .array(z.object({ kid: z.string().min(1), publicKeyPem: z.string().includes('BEGIN PUBLIC KEY') }))
  .refine((entries) => new Set(entries.map((entry) => entry.kid)).size === entries.length, 'kids must be unique');
export type PublicKeyEntries = z.infer<typeof PublicKeyEntries>;

/** Imported public keys by `kid`. */
export type VerificationKeys = ReadonlyMap<string, CryptoKey>;

export interface ClaimsPolicy {
  readonly issuer: string;
  readonly audience: string;
  /** Capped at {@link MAX_CLOCK_TOLERANCE_SECONDS}. @default MAX_CLOCK_TOLERANCE_SECONDS */
  readonly clockToleranceSeconds?: number;
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
  const imported = await Promise.all(
    entries.map(async ({ kid, publicKeyPem }) => [kid, await importSPKI(publicKeyPem, JWT_ALGORITHM)] as const),
  );
  return new Map(imported);
}

/** `Bearer <jwt>`; the scheme is case-insensitive (RFC 7235). */
export function bearerTokenOf(authorizationHeader: string | undefined): string {
  const match = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(authorizationHeader?.trim() ?? '');
  if (!match?.[1]) throw new UnauthorizedError('The Authorization header is not "Bearer <jwt>"');
  return match[1];
}

export async function verifyToken(
  token: string,
  keys: VerificationKeys,
  policy: ClaimsPolicy,
): Promise<VerifiedIdentity> {
  const key = keyFor(token, keys);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [JWT_ALGORITHM],
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
  return identityOf(payload);
}

function keyFor(token: string, keys: VerificationKeys): CryptoKey {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (cause) {
    throw new UnauthorizedError('The token header is not valid', { cause });
  }
  if (header.alg !== JWT_ALGORITHM)
    throw new UnauthorizedError(`The token algorithm ${String(header.alg)} is not allowed`);
  if (typeof header.kid !== 'string' || header.kid.length === 0) throw new UnauthorizedError('The token has no kid');
  const key = keys.get(header.kid);
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

function identityOf(payload: JWTPayload): VerifiedIdentity {
  const { sub, roles, tenant } = payload;
  if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedError('The token claim sub is missing');
  if (typeof tenant !== 'string' || tenant.length === 0)
    throw new UnauthorizedError('The token claim tenant is missing');
  if (!Array.isArray(roles)) throw new UnauthorizedError('The token claim roles is not an array');
  // Roles travel to the API as one comma-separated context value, so a comma inside a role would forge another role.
  if (!roles.every((role): role is string => typeof role === 'string' && role.length > 0 && !role.includes(','))) {
    throw new UnauthorizedError('The token claim roles must hold non-empty strings without commas');
  }
  return { sub, roles, tenant };
}
