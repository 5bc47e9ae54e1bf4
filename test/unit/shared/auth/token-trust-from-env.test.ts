import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyToken } from '../../../../shared/auth/jwt.js';
import { issuerFor, type TokenTrust } from '../../../../shared/auth/token-trust.js';
import { TokenTrustConfigurationError, tokenTrustFromEnv } from '../../../../shared/auth/token-trust-from-env.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { type JwksServer, startJwksServer } from '../../support/jwks-server.js';
import { AUDIENCE, generateTestKeys, ISSUER, KID, signToken, type TestKeys } from '../../support/jwt-support.js';

let server: JwksServer;
let issuerKeys: TestKeys;
let rotatedKeys: TestKeys;

beforeAll(async () => {
  server = await startJwksServer();
  issuerKeys = await generateTestKeys();
  rotatedKeys = await generateTestKeys();
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  vi.stubEnv('JWT_ISSUER', ISSUER);
  vi.stubEnv('JWT_AUDIENCE', AUDIENCE);
  vi.stubEnv('JWT_JWKS_URL', '');
  vi.stubEnv('JWT_PUBLIC_KEYS', '');
  vi.stubEnv('JWT_E2E_ISSUER', '');
  vi.stubEnv('JWT_E2E_PUBLIC_KEYS', '');
  await server.publish([{ kid: KID, keys: issuerKeys }]);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** What the authorizer does with a trust: its keys and claims, then `verifyToken`. */
async function verifyWith(trust: TokenTrust, token: string) {
  return verifyToken(token, await trust.keys(), trust.claims());
}

describe('tokenTrustFromEnv', () => {
  it('verifies with the key set at JWT_JWKS_URL, and follows its rotation without a new trust', async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.stubEnv('JWT_JWKS_URL', server.url.href);
    const trust = tokenTrustFromEnv();
    const first = await verifyWith(trust, await signToken(issuerKeys.privateKey));
    const fromTheNewKey = await signToken(rotatedKeys.privateKey, { header: { kid: 'rotated-1' } });

    // Act
    await server.publish([
      { kid: KID, keys: issuerKeys },
      { kid: 'rotated-1', keys: rotatedKeys },
    ]);
    // Past the cooldown that spaces two fetches caused by unknown kids.
    vi.setSystemTime(Date.now() + 31_000);
    const afterRotation = await verifyWith(trust, fromTheNewKey);

    // Assess
    expect(first.sub).toBe('user-ada');
    expect(afterRotation.sub).toBe('user-ada');
  });

  it('keeps one key set across calls, so the set is fetched once and not per request', async () => {
    // Prepare
    vi.stubEnv('JWT_JWKS_URL', server.url.href);
    const trust = tokenTrustFromEnv();
    const before = server.fetches;

    // Act
    for (let request = 0; request < 3; request++) await verifyWith(trust, await signToken(issuerKeys.privateKey));

    // Assess
    expect(server.fetches - before).toBe(1);
  });

  it('verifies with the fixed keys of JWT_PUBLIC_KEYS (the local stage’s dev key), refusing any other kid', async () => {
    // Prepare
    vi.stubEnv('JWT_PUBLIC_KEYS', JSON.stringify([{ kid: KID, publicKeyPem: issuerKeys.publicKeyPem }]));
    const trust = tokenTrustFromEnv();
    const before = server.fetches;

    // Act
    const identity = await verifyWith(trust, await signToken(issuerKeys.privateKey));
    const other = verifyWith(trust, await signToken(rotatedKeys.privateKey, { header: { kid: 'rotated-1' } }));

    // Assess
    expect(identity.sub).toBe('user-ada');
    await expect(other).rejects.toThrow(new UnauthorizedError('The token kid rotated-1 is not a known key'));
    expect(server.fetches - before).toBe(0);
  });

  it('switches source when the configuration does', async () => {
    // Prepare
    vi.stubEnv('JWT_PUBLIC_KEYS', JSON.stringify([{ kid: 'old', publicKeyPem: rotatedKeys.publicKeyPem }]));
    const trust = tokenTrustFromEnv();
    await trust.keys();

    // Act
    vi.stubEnv('JWT_PUBLIC_KEYS', '');
    vi.stubEnv('JWT_JWKS_URL', server.url.href);
    const identity = await verifyWith(trust, await signToken(issuerKeys.privateKey));

    // Assess
    expect(identity.sub).toBe('user-ada');
  });

  it.each([
    ['both sources', { JWT_JWKS_URL: 'https://issuer.test/jwks.json', JWT_PUBLIC_KEYS: '[]' }, /both set/],
    ['no source', {}, /Neither JWT_JWKS_URL nor JWT_PUBLIC_KEYS/],
    ['a key set URL that is no URL', { JWT_JWKS_URL: 'keys' }, /JWT_JWKS_URL is not a URL/],
    ['a key set over plain HTTP', { JWT_JWKS_URL: 'http://issuer.test/jwks.json' }, /must be https/],
  ])('fails with a configuration error, never a refused token, given %s', async (_case, variables, message) => {
    // Prepare
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
    const trust = tokenTrustFromEnv();

    // Act
    const keys = (async () => trust.keys())();

    // Assess
    await expect(keys).rejects.toThrow(message);
    await expect(keys).rejects.not.toBeInstanceOf(UnauthorizedError);
  });
});

/**
 * Staging's e2e issuer, from JWT_E2E_ISSUER and JWT_E2E_PUBLIC_KEYS (docs/adr/0042-an-e2e-issuer-for-staging.md), as
 * the authorizer and the CheckoutRequested consumer use it: `issuerFor`, then `verifyToken`.
 */
describe('tokenTrustFromEnv with an e2e issuer', () => {
  const E2E_ISSUER = 'urn:sagastack:e2e';

  async function verifyEither(trust: TokenTrust, token: string) {
    const { issuer, keys } = await issuerFor(token, trust);
    return verifyToken(token, keys, { ...trust.claims(), issuer });
  }

  it('trusts the e2e issuer’s fixed keys beside the identity provider’s key set, each for its own tokens', async () => {
    // Prepare
    const e2eKeys = await generateTestKeys();
    vi.stubEnv('JWT_JWKS_URL', server.url.href);
    vi.stubEnv('JWT_E2E_ISSUER', E2E_ISSUER);
    vi.stubEnv('JWT_E2E_PUBLIC_KEYS', JSON.stringify([{ kid: 'e2e-1', publicKeyPem: e2eKeys.publicKeyPem }]));
    const trust = tokenTrustFromEnv();

    // Act
    const fromTheProvider = await verifyEither(trust, await signToken(issuerKeys.privateKey));
    const fromTheSuite = await verifyEither(
      trust,
      await signToken(e2eKeys.privateKey, { claims: { iss: E2E_ISSUER, sub: 'user-e2e' }, header: { kid: 'e2e-1' } }),
    );
    const crossed = verifyEither(trust, await signToken(issuerKeys.privateKey, { claims: { iss: E2E_ISSUER } }));

    // Assess
    expect(fromTheProvider.sub).toBe('user-ada');
    expect(fromTheSuite.sub).toBe('user-e2e');
    await expect(crossed).rejects.toThrow(new UnauthorizedError(`The token kid ${KID} is not a known key`));
  });

  it('trusts no e2e issuer where neither variable is set', () => {
    // Act
    const e2e = tokenTrustFromEnv().e2eIssuer?.();

    // Assess
    expect(e2e).toBeUndefined();
  });

  it.each([
    ['the issuer without keys', { JWT_E2E_ISSUER: 'urn:sagastack:e2e' }, /set together/],
    ['keys without the issuer', { JWT_E2E_PUBLIC_KEYS: '[]' }, /set together/],
    ['the identity provider’s own issuer', { JWT_E2E_ISSUER: ISSUER, JWT_E2E_PUBLIC_KEYS: '[]' }, /its own/],
  ])('fails with a configuration error given %s', (_case, variables, message) => {
    // Prepare
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
    const trust = tokenTrustFromEnv();

    // Act
    const reading = () => trust.e2eIssuer?.();

    // Assess
    expect(reading).toThrow(TokenTrustConfigurationError);
    expect(reading).toThrow(message);
  });
});
