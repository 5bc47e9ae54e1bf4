import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { authorizeToken } from '../../../../functions/platform/use-cases/authorize-token.js';
import { importVerificationKeys } from '../../../../shared/auth/jwt.js';
import type { TokenTrust } from '../../../../shared/auth/token-trust.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { logger } from '../../../../shared/powertools/index.js';
import { AUDIENCE, generateTestKeys, ISSUER, KID, signToken, type TestKeys } from '../../support/jwt-support.js';

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
