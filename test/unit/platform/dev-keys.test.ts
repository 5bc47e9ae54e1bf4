import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  DEV_JWT_AUDIENCE,
  DEV_JWT_ISSUER,
  DEV_JWT_KID,
  DEV_JWT_PUBLIC_KEYS,
  signDevToken,
} from '../../../functions/platform/dev-keys.js';
import { importVerificationKeys, parsePublicKeyEntries, verifyToken } from '../../../shared/auth/jwt.js';
import { UnauthorizedError } from '../../../shared/errors.js';

const devPolicy = { issuer: DEV_JWT_ISSUER, audience: DEV_JWT_AUDIENCE };

describe('dev keys', () => {
  it('signs tokens that the authorizer rules accept with the dev public key', async () => {
    // Prepare
    const keys = await importVerificationKeys(parsePublicKeyEntries(JSON.stringify(DEV_JWT_PUBLIC_KEYS)));

    // Act
    const token = await signDevToken({ sub: 'user-ada', roles: ['customer'], tenant: 'tenant-a' });

    // Assess
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: DEV_JWT_KID });
    expect(await verifyToken(token, keys, devPolicy)).toEqual({
      sub: 'user-ada',
      roles: ['customer'],
      tenant: 'tenant-a',
    });
  });

  it('signs tokens that expire when asked', async () => {
    // Prepare
    const keys = await importVerificationKeys([...DEV_JWT_PUBLIC_KEYS]);

    // Act
    const token = await signDevToken({ sub: 'user-ada', roles: [], tenant: 'tenant-a', expiresInSeconds: -60 });

    // Assess
    await expect(verifyToken(token, keys, devPolicy)).rejects.toThrow(UnauthorizedError);
  });

  it('uses the fixed local issuer, audience and kid', () => {
    // Assess
    expect([DEV_JWT_ISSUER, DEV_JWT_AUDIENCE, DEV_JWT_KID]).toEqual([
      'https://auth.local.sagastack.dev',
      'sagastack-api',
      'local-dev-1',
    ]);
  });
});
