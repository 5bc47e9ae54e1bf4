import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizeToken } from '../../../../functions/platform/use-cases/authorize-token.js';
import { importVerificationKeys } from '../../../../shared/auth/jwt.js';
import type { TokenTrust } from '../../../../shared/auth/token-trust.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { logger } from '../../../../shared/powertools/index.js';
import {
  AUDIENCE,
  E2E_ISSUER,
  E2E_KID,
  generateTestKeys,
  ISSUER,
  KID,
  signToken,
  type TestKeys,
  withE2eIssuer,
} from '../../support/jwt-support.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:000000000000:api123/local/GET/checkouts/chk_1';

let keys: TestKeys;
let trust: TokenTrust;

beforeAll(async () => {
  keys = await generateTestKeys();
  const verificationKeys = await importVerificationKeys([{ kid: KID, publicKeyPem: keys.publicKeyPem }]);
  trust = { keys: async () => verificationKeys, claims: () => ({ issuer: ISSUER, audience: AUDIENCE }) };
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('authorizeToken (use case, in-memory ports)', () => {
  it("allows every route of the API stage for the token's subject, with its tenant and roles", async () => {
    // Prepare
    const token = await signToken(keys.privateKey, { claims: { roles: ['customer', 'support'] } });

    // Act
    const policy = await authorizeToken({ authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN }, { trust });

    // Assess
    expect(policy).toEqual({
      principalId: 'user-ada',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:us-east-1:000000000000:api123/local/*/*',
          },
        ],
      },
      context: { sub: 'user-ada', tenant: 'tenant-a', roles: 'customer,support' },
    });
  });

  it.each([
    ['an expired token', async () => `Bearer ${await signToken(keys.privateKey, { expiresIn: -60 })}`, METHOD_ARN],
    ['a missing header', async () => undefined, METHOD_ARN],
    ['a route that is not an execute-api ARN', async () => `Bearer ${await signToken(keys.privateKey)}`, 'arn:x'],
  ])('refuses %s with an UnauthorizedError and logs why, never the token', async (_case, header, methodArn) => {
    // Prepare
    const authorizationToken = await header();
    const info = vi.spyOn(logger, 'info');

    // Act
    const authorizing = authorizeToken({ authorizationToken, methodArn }, { trust });

    // Assess
    await expect(authorizing).rejects.toBeInstanceOf(UnauthorizedError);
    expect(info).toHaveBeenCalledWith('Token refused', { reason: expect.any(String), methodArn });
    const token = authorizationToken?.replace(/^Bearer /, '');
    if (token) expect(JSON.stringify(info.mock.calls)).not.toContain(token);
  });

  it('lets a configuration error through as itself, not as a refused token', async () => {
    // Prepare
    const broken: TokenTrust = {
      keys: async () => {
        throw new Error('JWT_PUBLIC_KEYS is not JSON');
      },
      claims: trust.claims,
    };
    const info = vi.spyOn(logger, 'info');

    // Act
    const authorizing = authorizeToken(
      { authorizationToken: `Bearer ${await signToken(keys.privateKey)}`, methodArn: METHOD_ARN },
      { trust: broken },
    );

    // Assess
    await expect(authorizing).rejects.toThrow('JWT_PUBLIC_KEYS is not JSON');
    await expect(authorizing).rejects.not.toBeInstanceOf(UnauthorizedError);
    expect(info).not.toHaveBeenCalledWith('Token refused', expect.anything());
  });
});

/**
 * Staging trusts its e2e issuer beside the identity provider (docs/adr/0042-an-e2e-issuer-for-staging.md): each
 * token is verified with the keys of the issuer it names, and only those.
 */
describe('authorizeToken with two issuers (the identity provider and the e2e issuer)', () => {
  let e2eKeys: TestKeys;
  let twoIssuers: TokenTrust;

  beforeAll(async () => {
    ({ trust: twoIssuers, keys: e2eKeys } = await withE2eIssuer(trust));
  });

  const authorize = (token: string, withTrust: TokenTrust) =>
    authorizeToken({ authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN }, { trust: withTrust });

  it.each([
    ['the identity provider', () => signToken(keys.privateKey, { claims: { sub: 'user-idp' } }), 'user-idp'],
    [
      'the e2e issuer',
      () => signToken(e2eKeys.privateKey, { claims: { sub: 'user-e2e', iss: E2E_ISSUER }, header: { kid: E2E_KID } }),
      'user-e2e',
    ],
  ])('accepts a token of %s, for its own subject', async (_issuer, sign, subject) => {
    // Act
    const policy = await authorize(await sign(), twoIssuers);

    // Assess
    expect(policy.principalId).toBe(subject);
    expect(policy.context).toEqual({ sub: subject, tenant: 'tenant-a', roles: 'customer' });
  });

  it('logs an accepted e2e token at INFO, so its use shows in the stage’s logs', async () => {
    // Prepare
    const info = vi.spyOn(logger, 'info');
    const token = await signToken(e2eKeys.privateKey, { claims: { iss: E2E_ISSUER }, header: { kid: E2E_KID } });

    // Act
    await authorize(token, twoIssuers);

    // Assess
    expect(info).toHaveBeenCalledWith('E2E token accepted', {
      sub: 'user-ada',
      tenant: 'tenant-a',
      issuer: E2E_ISSUER,
    });
  });

  it.each([
    [
      'an issuer it does not trust, signed with the identity provider’s key',
      () => signToken(keys.privateKey, { claims: { iss: 'https://elsewhere.test' } }),
      /claim iss/,
    ],
    [
      'an issuer it does not trust, signed with the e2e key',
      () => signToken(e2eKeys.privateKey, { claims: { iss: 'https://elsewhere.test' }, header: { kid: E2E_KID } }),
      /kid e2e-1 is not a known key/,
    ],
    [
      'the e2e issuer, signed with the identity provider’s key',
      () => signToken(keys.privateKey, { claims: { iss: E2E_ISSUER } }),
      /kid test-key-1 is not a known key/,
    ],
    [
      'the identity provider, signed with the e2e key under its kid',
      () => signToken(e2eKeys.privateKey, { header: { kid: E2E_KID } }),
      /kid e2e-1 is not a known key/,
    ],
    [
      'the e2e issuer, signed with a key of neither under the e2e kid',
      async () =>
        signToken((await generateTestKeys()).privateKey, { claims: { iss: E2E_ISSUER }, header: { kid: E2E_KID } }),
      /signature is not valid/,
    ],
  ])('refuses a token naming %s', async (_case, sign, reason) => {
    // Act
    const authorizing = authorize(await sign(), twoIssuers);

    // Assess
    await expect(authorizing).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authorizing).rejects.toThrow(reason);
  });

  it('refuses an e2e token where the stage trusts no e2e issuer (every stage but Staging)', async () => {
    // Prepare
    const token = await signToken(e2eKeys.privateKey, { claims: { iss: E2E_ISSUER }, header: { kid: E2E_KID } });

    // Act
    const authorizing = authorize(token, trust);

    // Assess: tried against the identity provider's keys, which hold no e2e key
    await expect(authorizing).rejects.toThrow(/kid e2e-1 is not a known key/);
  });
});
