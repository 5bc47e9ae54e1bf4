import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateClientSecret,
  hashClientSecret,
  secretMatches,
} from '../../../functions/identity/domain/client-secret.js';
import { OAuthError, readTokenRequest } from '../../../functions/identity/domain/oauth-request.js';
import { derToJoseSignature, MalformedEcdsaSignatureError } from '../../../functions/identity/domain/platform-token.js';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function refusalOf(read: () => unknown): OAuthError | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    return error as OAuthError;
  }
}

describe('client secrets', () => {
  it('are 256 random bits behind a recognisable prefix, and only their salted hash matches them', () => {
    // Prepare
    const secret = generateClientSecret();
    const other = generateClientSecret();

    // Act
    const stored = hashClientSecret(secret);

    // Assess
    expect(secret).toMatch(/^sas_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(4), 'base64url')).toHaveLength(32);
    expect(JSON.stringify(stored)).not.toContain(secret.slice(4));
    expect(secretMatches(secret, stored)).toBe(true);
    expect(secretMatches(other, stored)).toBe(false);
    expect(secretMatches(`${secret}x`, stored)).toBe(false);
  });

  it('are salted one by one: the same secret hashed twice gives two different hashes', () => {
    // Prepare
    const secret = generateClientSecret();

    // Act
    const [first, second] = [hashClientSecret(secret), hashClientSecret(secret)];

    // Assess
    expect(first.hash).not.toBe(second.hash);
    expect(secretMatches(secret, first) && secretMatches(secret, second)).toBe(true);
  });
});

describe('derToJoseSignature (RFC 7518 §3.4: raw R‖S, 32 bytes each)', () => {
  it('turns the DER signatures of a P-256 key into JWS signatures that verify, whatever their integer lengths', () => {
    // Prepare: DER drops leading zeros and pads a high bit, so many signatures cover the 31-, 32- and 33-byte forms.
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const message = Buffer.from('header.payload');
    const lengths = new Set<number>();

    // Act
    const results = Array.from({ length: 200 }, () => {
      const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
      lengths.add(der.length);
      const raw = derToJoseSignature(der);
      return raw.length === 64 && verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw);
    });

    // Assess
    expect(results.every(Boolean)).toBe(true);
    expect(lengths.size).toBeGreaterThan(1);
  });

  it.each([
    ['not a sequence', Buffer.from([0x02, 0x01, 0x01])],
    ['a sequence that ends early', Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01])],
    ['trailing bytes', Buffer.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00])],
    [
      'an integer longer than the curve',
      Buffer.from([0x30, 0x25, 0x02, 0x21, 0x01, ...Buffer.alloc(32, 1), 0x02, 0x00]),
    ],
  ])('refuses %s', (_case, der) => {
    // Act
    const converting = () => derToJoseSignature(der);

    // Assess
    expect(converting).toThrow(MalformedEcdsaSignatureError);
  });
});

describe('readTokenRequest (RFC 6749 §2.3.1, §4.4.2)', () => {
  it('reads HTTP Basic credentials, form-encoded before Basic joins them, so a colon in the secret survives', () => {
    // Act
    const credentials = readTokenRequest({
      headers: { ...FORM, authorization: basic('sa_1', 'se:cret') },
      body: 'grant_type=client_credentials',
    });

    // Assess
    expect(credentials).toEqual({ clientId: 'sa_1', clientSecret: 'se:cret' });
  });

  it('reads client_id and client_secret from the form body', () => {
    // Act
    const credentials = readTokenRequest({
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'grant_type=client_credentials&client_id=sa_1&client_secret=s%2Bx',
    });

    // Assess
    expect(credentials).toEqual({ clientId: 'sa_1', clientSecret: 's+x' });
  });

  it.each([
    ['a JSON body', { 'Content-Type': 'application/json' }, '{"grant_type":"client_credentials"}', 'invalid_request'],
    ['no grant_type', FORM, 'client_id=a&client_secret=b', 'invalid_request'],
    ['another grant', FORM, 'grant_type=password&client_id=a&client_secret=b', 'unsupported_grant_type'],
    ['a repeated parameter', FORM, 'grant_type=client_credentials&client_id=a&client_id=b', 'invalid_request'],
    ['no credentials', FORM, 'grant_type=client_credentials', 'invalid_client'],
    ['only a client id', FORM, 'grant_type=client_credentials&client_id=a', 'invalid_client'],
    [
      'Basic and form credentials at once',
      { ...FORM, Authorization: basic('a', 'b') },
      'grant_type=client_credentials&client_secret=b',
      'invalid_request',
    ],
    ['a Bearer header', { ...FORM, Authorization: 'Bearer x.y.z' }, 'grant_type=client_credentials', 'invalid_client'],
  ])('refuses %s as %s', (_case, headers, body, code) => {
    // Act
    const refusal = refusalOf(() => readTokenRequest({ headers, body }));

    // Assess
    expect(refusal).toBeInstanceOf(OAuthError);
    expect(refusal?.code).toBe(code);
    expect(refusal?.httpStatus).toBe(code === 'invalid_client' ? 401 : 400);
  });
});
