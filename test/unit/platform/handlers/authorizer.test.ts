import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import * as jose from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../functions/platform/handlers/authorizer.js';
import { logger } from '../../../../shared/powertools/index.js';
import { lambdaContext } from '../../checkout/checkouts-harness.js';
import { startJwksServer } from '../../support/jwks-server.js';
import { AUDIENCE, generateTestKeys, ISSUER, KID, signToken, type TestKeys } from '../../support/jwt-support.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
  });
});

// Counts PEM imports, to show they happen once per execution environment rather than once per request.
vi.mock('jose', async (importOriginal) => {
  const original = await importOriginal<typeof import('jose')>();
  return { ...original, importSPKI: vi.fn(original.importSPKI) };
});

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:000000000000:api123/local/GET/checkouts/chk_1';

let keys: TestKeys;

beforeAll(async () => {
  keys = await generateTestKeys();
});

beforeEach(() => {
  Object.assign(process.env, {
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    JWT_PUBLIC_KEYS: JSON.stringify([{ kid: KID, publicKeyPem: keys.publicKeyPem }]),
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const authorize = (authorizationToken: string) =>
  handler(
    { type: 'TOKEN', authorizationToken, methodArn: METHOD_ARN } as APIGatewayTokenAuthorizerEvent,
    lambdaContext,
  );

describe('authorizer', () => {
  it('allows the whole API stage for a valid token, importing the keys once', async () => {
    // Prepare
    const token = await signToken(keys.privateKey, { claims: { roles: ['customer', 'admin'] } });
    // A value this file has not used yet, so that the keys are imported afresh whatever ran before.
    process.env.JWT_PUBLIC_KEYS = JSON.stringify([{ kid: KID, publicKeyPem: keys.publicKeyPem }], null, 2);
    vi.mocked(jose.importSPKI).mockClear();

    // Act
    const first = await authorize(`Bearer ${token}`);
    const second = await authorize(`Bearer ${token}`);

    // Assess
    expect(first).toEqual({
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
      context: { sub: 'user-ada', tenant: 'tenant-a', roles: 'customer,admin' },
    });
    expect(second).toEqual(first);
    expect(vi.mocked(jose.importSPKI)).toHaveBeenCalledTimes(1);
  });

  it.each([
    [
      'an expired token',
      async () => `Bearer ${await signToken(keys.privateKey, { expiresIn: -60 })}`,
      'The token has expired',
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await signToken(keys.privateKey, { claims: { aud: 'x' } })}`,
      /claim aud/,
    ],
    [
      'a token without tenant',
      async () => `Bearer ${await signToken(keys.privateKey, { without: ['tenant'] })}`,
      /tenant/,
    ],
    ['a malformed header', async () => 'Token abc', /Bearer <jwt>/],
  ])('throws exactly "Unauthorized" for %s and logs the reason, never the token', async (_case, header, reason) => {
    // Prepare
    const authorization = await header();
    const info = vi.spyOn(logger, 'info');

    // Act
    const outcome = authorize(authorization);

    // Assess
    await expect(outcome).rejects.toThrow(new Error('Unauthorized'));
    expect(info).toHaveBeenCalledWith(
      'Token refused',
      expect.objectContaining({ reason: expect.stringMatching(reason) }),
    );
    const logged = JSON.stringify(info.mock.calls);
    const token = authorization.replace(/^\S+ /, '');
    expect(logged).not.toContain(token);
  });

  it('picks up a changed JWT_PUBLIC_KEYS (keys are cached by value)', async () => {
    // Prepare
    const rotated = await generateTestKeys();
    process.env.JWT_PUBLIC_KEYS = JSON.stringify([{ kid: 'rotated', publicKeyPem: rotated.publicKeyPem }]);
    const token = await signToken(rotated.privateKey, { header: { kid: 'rotated' } });

    // Act
    const policy = await authorize(`Bearer ${token}`);

    // Assess
    expect(policy.principalId).toBe('user-ada');
  });

  it('verifies with the issuer’s key set where JWT_JWKS_URL is set instead of JWT_PUBLIC_KEYS', async () => {
    // Prepare
    const jwks = await startJwksServer();
    const issuer = await generateTestKeys();
    await jwks.publish([{ kid: 'issuer-2026-1', keys: issuer }]);
    delete process.env.JWT_PUBLIC_KEYS;
    process.env.JWT_JWKS_URL = jwks.url.href;
    const token = await signToken(issuer.privateKey, { header: { kid: 'issuer-2026-1' } });

    // Act
    const policy = await authorize(`Bearer ${token}`).finally(() => {
      delete process.env.JWT_JWKS_URL;
      return jwks.close();
    });

    // Assess
    expect(policy.principalId).toBe('user-ada');
    expect(jwks.fetches).toBe(1);
  });

  it('fails with a configuration error, not a 401, when JWT_PUBLIC_KEYS is broken', async () => {
    // Prepare
    process.env.JWT_PUBLIC_KEYS = 'not json';
    const token = await signToken(keys.privateKey);

    // Act / Assess
    await expect(authorize(`Bearer ${token}`)).rejects.toThrow('JWT_PUBLIC_KEYS is not JSON');
  });

  it('fails with a configuration error when JWT_ISSUER is missing', async () => {
    // Prepare
    delete process.env.JWT_ISSUER;
    const token = await signToken(keys.privateKey);

    // Act / Assess
    await expect(authorize(`Bearer ${token}`)).rejects.toThrow(/JWT_ISSUER/);
  });
});
