/**
 * Platform tokens: compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4), whose signature the signing port makes (KMS
 * `Sign` on AWS, the local cloud's KMS locally). Pure: the claims, the signing input and the DER-to-JWS conversion
 * of an ECDSA signature, no AWS imports.
 */
import { randomUUID } from 'node:crypto';
import { PLATFORM_TOKEN_ALGORITHM } from '../../../shared/auth/jwt.js';
import type { ServiceAccount } from './service-account.js';

export interface PlatformTokenSettings {
  /** `iss`: the platform's issuer of the stage, never the user tokens' issuer. */
  readonly issuer: string;
  /** `aud`: the API the token is for. */
  readonly audience: string;
  readonly lifetimeSeconds: number;
}

/** The claims of a service account's token. `project` is the scope: the one project the token may act in. */
export interface PlatformTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly tenant: string;
  readonly roles: readonly string[];
  readonly project: string;
  /** RFC 9068 §2.2: the client the token was issued to. */
  readonly client_id: string;
}

export function platformTokenClaims(
  account: ServiceAccount,
  settings: PlatformTokenSettings,
  now: Date,
): PlatformTokenClaims {
  const iat = Math.floor(now.getTime() / 1000);
  return {
    iss: settings.issuer,
    sub: account.serviceAccountId,
    aud: settings.audience,
    iat,
    exp: iat + settings.lifetimeSeconds,
    jti: randomUUID(),
    tenant: account.tenantId,
    roles: [account.role],
    project: account.projectId,
    client_id: account.serviceAccountId,
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** `<header>.<payload>`, the bytes the signature covers (RFC 7515 §5.1). */
export function signingInputOf(claims: object, kid: string): string {
  return `${base64url({ alg: PLATFORM_TOKEN_ALGORITHM, typ: 'JWT', kid })}.${base64url(claims)}`;
}

/** The compact token: the signing input and the signature as JWS wants it (raw R‖S, base64url). */
export function compactToken(signingInput: string, rawSignature: Uint8Array): string {
  return `${signingInput}.${Buffer.from(rawSignature).toString('base64url')}`;
}

/** Thrown when a signature is not the DER `SEQUENCE { INTEGER r, INTEGER s }` of P-256 it must be. */
export class MalformedEcdsaSignatureError extends Error {
  override readonly name = 'MalformedEcdsaSignatureError';
}

/**
 * KMS answers an ECDSA signature DER-encoded (ASN.1 `ECDSA-Sig-Value`), JWS wants the two 32-byte integers R and S
 * side by side (RFC 7518 §3.4), each left-padded with zeros: DER drops leading zeros and adds one before a high bit.
 */
export function derToJoseSignature(der: Uint8Array, integerBytes = 32): Uint8Array {
  const bytes = Buffer.from(der);
  let offset = 0;
  const expect = (tag: number) => {
    if (bytes[offset] !== tag) throw new MalformedEcdsaSignatureError(`Expected tag ${tag} at byte ${offset}`);
    offset += 1;
  };
  const readLength = (): number => {
    const first = bytes[offset++];
    if (first === undefined) throw new MalformedEcdsaSignatureError('The signature ends early');
    if (first < 0x80) return first;
    // Long form: a P-256 signature is at most 72 bytes, so one length byte always suffices.
    if (first !== 0x81) throw new MalformedEcdsaSignatureError('Unexpected DER length form');
    const length = bytes[offset++];
    if (length === undefined) throw new MalformedEcdsaSignatureError('The signature ends early');
    return length;
  };
  const readInteger = (): Buffer => {
    expect(0x02);
    const length = readLength();
    const value = bytes.subarray(offset, offset + length);
    if (value.length !== length) throw new MalformedEcdsaSignatureError('The signature ends early');
    offset += length;
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start += 1;
    const trimmed = value.subarray(start);
    if (trimmed.length > integerBytes) throw new MalformedEcdsaSignatureError('An integer is too long for the curve');
    return Buffer.concat([Buffer.alloc(integerBytes - trimmed.length), trimmed]);
  };
  expect(0x30);
  const sequenceLength = readLength();
  if (offset + sequenceLength !== bytes.length) throw new MalformedEcdsaSignatureError('Bad sequence length');
  const r = readInteger();
  const s = readInteger();
  if (offset !== bytes.length) throw new MalformedEcdsaSignatureError('Trailing bytes after the signature');
  return new Uint8Array(Buffer.concat([r, s]));
}
