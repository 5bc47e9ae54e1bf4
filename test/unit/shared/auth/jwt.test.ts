import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bearerTokenOf,
  type ClaimsPolicy,
  importVerificationKeys,
  parsePublicKeyEntries,
  type VerificationKeys,
  verifyToken,
} from '../../../../shared/auth/jwt.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { AUDIENCE, generateTestKeys, ISSUER, KID, signToken, type TestKeys } from '../../support/jwt-support.js';

const policy: ClaimsPolicy = { issuer: ISSUER, audience: AUDIENCE };

let keys: TestKeys;
let otherKeys: TestKeys;
let verificationKeys: VerificationKeys;

beforeAll(async () => {
  keys = await generateTestKeys();
  otherKeys = await generateTestKeys();
  verificationKeys = await importVerificationKeys([{ kid: KID, publicKeyPem: keys.publicKeyPem }]);
});

async function rejection(token: string, tokenPolicy: ClaimsPolicy = policy): Promise<string> {
  try {
    await verifyToken(token, verificationKeys, tokenPolicy);
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedError);
    return (error as Error).message;
  }
  throw new Error('expected the token to be refused');
}

describe('verifyToken', () => {
  it('accepts a valid token and returns who it names', async () => {
    // Prepare
    const token = await signToken(keys.privateKey, { claims: { roles: ['customer', 'support'] } });

    // Act
    const identity = await verifyToken(token, verificationKeys, policy);

    // Assess
    expect(identity).toEqual({ sub: 'user-ada', roles: ['customer', 'support'], tenant: 'tenant-a' });
  });

  it('accepts a token with no roles', async () => {
    // Act
    const identity = await verifyToken(
      await signToken(keys.privateKey, { claims: { roles: [] } }),
      verificationKeys,
      policy,
    );

    // Assess
    expect(identity.roles).toEqual([]);
  });

  it('selects the key by kid among several', async () => {
    // Prepare
    const twoKeys = await importVerificationKeys([
      { kid: 'old-key', publicKeyPem: otherKeys.publicKeyPem },
      { kid: KID, publicKeyPem: keys.publicKeyPem },
    ]);
    const signedWithOld = await signToken(otherKeys.privateKey, { header: { kid: 'old-key' } });
    const signedWithNew = await signToken(keys.privateKey);

    // Act
    const identities = await Promise.all([
      verifyToken(signedWithOld, twoKeys, policy),
      verifyToken(signedWithNew, twoKeys, policy),
    ]);

    // Assess
    expect(identities.map((identity) => identity.sub)).toEqual(['user-ada', 'user-ada']);
  });

  it('refuses a token signed by another key under a known kid', async () => {
    // Act
    const reason = await rejection(await signToken(otherKeys.privateKey));

    // Assess
    expect(reason).toBe('The token signature is not valid');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    // Prepare
    const [header, , signature] = (await signToken(keys.privateKey)).split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ sub: 'admin', roles: ['admin'], tenant: 'tenant-a' })).toString(
      'base64url',
    );

    // Act
    const reason = await rejection(`${header}.${forgedPayload}.${signature}`);

    // Assess
    expect(reason).toBe('The token signature is not valid');
  });

  it('refuses an expired token', async () => {
    // Act
    const reason = await rejection(await signToken(keys.privateKey, { expiresIn: -60 }));

    // Assess
    expect(reason).toBe('The token has expired');
  });

  it('tolerates a clock skew of a few seconds, never more than 5 whatever the policy asks', async () => {
    // Prepare
    const justExpired = await signToken(keys.privateKey, { expiresIn: -2 });
    const expiredTenSecondsAgo = await signToken(keys.privateKey, { expiresIn: -10 });

    // Act
    const identity = await verifyToken(justExpired, verificationKeys, policy);
    const reason = await rejection(expiredTenSecondsAgo, { ...policy, clockToleranceSeconds: 60 });

    // Assess
    expect(identity.sub).toBe('user-ada');
    expect(reason).toBe('The token has expired');
  });

  it('refuses a token without exp, which would never expire', async () => {
    // Act
    const reason = await rejection(await signToken(keys.privateKey, { expiresIn: null }));

    // Assess
    expect(reason).toMatch(/claim exp/);
  });

  it('refuses a token that is not valid yet', async () => {
    // Act
    const reason = await rejection(
      await signToken(keys.privateKey, { claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
    );

    // Assess
    expect(reason).toMatch(/claim nbf/);
  });

  it.each([
    ['issuer', { iss: 'https://evil.test' }, /claim iss/],
    ['audience', { aud: 'another-api' }, /claim aud/],
  ])('refuses a token for another %s', async (_case, claims, reason) => {
    // Assess
    expect(await rejection(await signToken(keys.privateKey, { claims }))).toMatch(reason);
  });

  it.each([
    ['sub', { without: ['sub'] }, 'The token claim sub is missing'],
    ['sub (empty)', { claims: { sub: '' } }, 'The token claim sub is missing'],
    ['tenant', { without: ['tenant'] }, 'The token claim tenant is missing'],
    ['tenant (not a string)', { claims: { tenant: 42 } }, 'The token claim tenant is missing'],
    ['roles', { without: ['roles'] }, 'The token claim roles is not an array'],
    ['roles (a string)', { claims: { roles: 'customer' } }, 'The token claim roles is not an array'],
    ['roles (not strings)', { claims: { roles: ['customer', 7] } }, /roles must hold non-empty strings/],
    ['roles (a comma inside)', { claims: { roles: ['customer,admin'] } }, /without commas/],
    ['iss', { without: ['iss'] }, /claim iss/],
    ['aud', { without: ['aud'] }, /claim aud/],
  ])('refuses a token with a missing or bad %s', async (_case, options, reason) => {
    // Assess
    expect(await rejection(await signToken(keys.privateKey, options))).toMatch(reason);
  });

  it('refuses a token with an unknown kid', async () => {
    // Act
    const reason = await rejection(await signToken(keys.privateKey, { header: { kid: 'rotated-away' } }));

    // Assess
    expect(reason).toBe('The token kid rotated-away is not a known key');
  });

  it('refuses a token without kid', async () => {
    // Act
    const reason = await rejection(await signToken(keys.privateKey, { header: { kid: undefined } }));

    // Assess
    expect(reason).toBe('The token has no kid');
  });

  it('refuses an HS256 token, even one "signed" with the public key (algorithm confusion)', async () => {
    // Prepare
    const token = await new SignJWT({ sub: 'user-ada', roles: [], tenant: 'tenant-a' })
      .setProtectedHeader({ alg: 'HS256', kid: KID })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(keys.publicKeyPem));

    // Act
    const reason = await rejection(token);

    // Assess
    expect(reason).toBe('The token algorithm HS256 is not allowed');
  });

  it('refuses an unsecured token (alg none)', async () => {
    // Prepare
    const token = new UnsecuredJWT({ sub: 'user-ada', roles: [], tenant: 'tenant-a' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .encode();

    // Act
    const reason = await rejection(token);

    // Assess
    expect(reason).toBe('The token algorithm none is not allowed');
  });

  it('asks the key set only for the kid of an RS256 token, never for one its header already refuses', async () => {
    // Prepare
    const asked: string[] = [];
    const recording: VerificationKeys = {
      keyFor: async (kid) => {
        asked.push(kid);
        return verificationKeys.keyFor(kid);
      },
    };
    const hs256 = await new SignJWT({ sub: 'user-ada', roles: [], tenant: 'tenant-a' })
      .setProtectedHeader({ alg: 'HS256', kid: 'hs-kid' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret of at least thirty-two bytes'));
    const withoutKid = await signToken(keys.privateKey, { header: { kid: undefined } });

    // Act
    const identity = await verifyToken(await signToken(keys.privateKey), recording, policy);
    await expect(verifyToken(hs256, recording, policy)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(verifyToken(withoutKid, recording, policy)).rejects.toBeInstanceOf(UnauthorizedError);

    // Assess
    expect(identity.sub).toBe('user-ada');
    expect(asked).toEqual([KID]);
  });

  it('lets a key set that cannot be read fail as itself, not as a refused token', async () => {
    // Prepare
    const unreachable: VerificationKeys = {
      keyFor: async () => {
        throw new Error('The JSON Web Key Set could not be used');
      },
    };

    // Act
    const verifying = verifyToken(await signToken(keys.privateKey), unreachable, policy);

    // Assess
    await expect(verifying).rejects.toThrow('The JSON Web Key Set could not be used');
    await expect(verifying).rejects.not.toBeInstanceOf(UnauthorizedError);
  });

  it('refuses a token whose header is not JSON', async () => {
    // Assess
    expect(await rejection('bm90LWpzb24.e30.c2ln')).toBe('The token header is not valid');
  });
});

describe('bearerTokenOf', () => {
  it('takes the token out of "Bearer <jwt>", whatever the scheme case', () => {
    // Assess
    expect(bearerTokenOf('Bearer aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
    expect(bearerTokenOf('bearer aaa.bbb.ccc')).toBe('aaa.bbb.ccc');
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without token', 'Bearer'],
    ['a token that is not a JWT', 'Bearer opaque-token'],
    ['two tokens', 'Bearer aaa.bbb.ccc ddd.eee.fff'],
    ['a bare JWT without scheme', 'aaa.bbb.ccc'],
  ])('refuses %s', (_case, header) => {
    // Assess
    expect(() => bearerTokenOf(header)).toThrow(UnauthorizedError);
  });
});

describe('parsePublicKeyEntries', () => {
  it('reads the JWT_PUBLIC_KEYS JSON', () => {
    // Act
    const entries = parsePublicKeyEntries(JSON.stringify([{ kid: 'a', publicKeyPem: keys.publicKeyPem }]));

    // Assess
    expect(entries).toEqual([{ kid: 'a', publicKeyPem: keys.publicKeyPem }]);
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['not an array', '{}', /invalid/],
    ['an entry without kid', JSON.stringify([{ publicKeyPem: '-----BEGIN PUBLIC KEY-----' }]), /invalid/],
    ['a private key', JSON.stringify([{ kid: 'a', publicKeyPem: '-----BEGIN PRIVATE KEY-----' }]), /invalid/],
    [
      'a kid twice',
      JSON.stringify([
        { kid: 'a', publicKeyPem: '-----BEGIN PUBLIC KEY-----' },
        { kid: 'a', publicKeyPem: '-----BEGIN PUBLIC KEY-----' },
      ]),
      /kids must be unique/,
    ],
  ])('refuses %s as a configuration error (not a 401)', (_case, json, message) => {
    // Assess
    expect(() => parsePublicKeyEntries(json)).toThrow(message);
    expect(() => parsePublicKeyEntries(json)).not.toThrow(UnauthorizedError);
  });
});
