import { generateKeyPairSync, sign } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { derToJoseSignature } from '../../../../functions/identity/domain/platform-token.js';
import type { TokenUseAudit } from '../../../../functions/platform/ports/token-use-audit.js';
import { authorizeToken } from '../../../../functions/platform/use-cases/authorize-token.js';
import { importVerificationKeys } from '../../../../shared/auth/jwt.js';
import { kmsVerificationKeys, type ScopedIdentity } from '../../../../shared/auth/platform-keys.js';
import type { PlatformTokenTrust } from '../../../../shared/auth/platform-trust-from-env.js';
import type { TokenTrust } from '../../../../shared/auth/token-trust.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { AUDIENCE, generateTestKeys, ISSUER, KID, signToken, type TestKeys } from '../../support/jwt-support.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const STAGE = 'arn:aws:execute-api:us-east-1:000000000000:api123/local';
const METHOD_ARN = `${STAGE}/GET/projects/prj_1/usage`;
const PLATFORM_ISSUER = 'https://platform.sagastack.test';
const KEY_ARN = 'arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555';
const KEY_ID = '11111111-2222-3333-4444-555555555555';

/** Signs a platform token as the token endpoint does: KMS's DER signature turned into JWS's R‖S. */
function platformToken(privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'], claims: object, kid = KEY_ID) {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'ES256', typ: 'JWT', kid })}.${part({
    iss: PLATFORM_ISSUER,
    aud: AUDIENCE,
    sub: 'sa_1',
    tenant: 'tenant-a',
    roles: ['member'],
    project: 'prj_1',
    jti: 'jti-1',
    iat: now,
    exp: now + 900,
    ...claims,
  })}`;
  const signature = derToJoseSignature(sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'der' }));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

let userKeys: TestKeys;
let trust: TokenTrust;
const platformKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const platformTrust: PlatformTokenTrust = {
  issuer: PLATFORM_ISSUER,
  audience: AUDIENCE,
  keys: kmsVerificationKeys(KEY_ARN, async () => platformKey.publicKey.export({ format: 'der', type: 'spki' })),
};

function recordingUses() {
  const uses: Array<{ identity: ScopedIdentity; methodArn: string }> = [];
  const audit: TokenUseAudit = {
    recordUse: async (identity, methodArn) => {
      uses.push({ identity, methodArn });
    },
  };
  return { uses, audit };
}

beforeAll(async () => {
  userKeys = await generateTestKeys();
  const keys = await importVerificationKeys([{ kid: KID, publicKeyPem: userKeys.publicKeyPem }]);
  trust = { keys: async () => keys, claims: () => ({ issuer: ISSUER, audience: AUDIENCE }) };
});

describe('authorizeToken with platform tokens (service accounts)', () => {
  it('allows only its project and resources by id, passes the scope on, and audits the use', async () => {
    // Prepare
    const { uses, audit } = recordingUses();
    const token = platformToken(platformKey.privateKey, {});

    // Act
    const policy = await authorizeToken(
      { authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN },
      { trust, platform: { trust: platformTrust, audit } },
    );

    // Assess
    expect(policy.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [`${STAGE}/*/projects/prj_1`, `${STAGE}/*/projects/prj_1/*`, `${STAGE}/*/resources/*`],
      },
    ]);
    expect(policy.context).toEqual({ sub: 'sa_1', tenant: 'tenant-a', roles: 'member', project: 'prj_1' });
    expect(uses).toEqual([
      {
        identity: { sub: 'sa_1', tenant: 'tenant-a', roles: ['member'], project: 'prj_1', tokenId: 'jti-1' },
        methodArn: METHOD_ARN,
      },
    ]);
  });

  it.each([
    ['an expired token', () => platformToken(platformKey.privateKey, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a token without a project scope', () => platformToken(platformKey.privateKey, { project: undefined })],
    ['a scope that would widen the policy', () => platformToken(platformKey.privateKey, { project: '*' })],
    [
      'a token signed by another key',
      () => platformToken(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, {}),
    ],
    ['another kid', () => platformToken(platformKey.privateKey, {}, 'another-key')],
    [
      'the platform issuer on an RS256 user token',
      () => signToken(userKeys.privateKey, { claims: { iss: PLATFORM_ISSUER } }),
    ],
  ])('refuses %s, and records no use', async (_case, tokenOf) => {
    // Prepare
    const { uses, audit } = recordingUses();
    const token = await tokenOf();

    // Act
    const authorizing = authorizeToken(
      { authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN },
      { trust, platform: { trust: platformTrust, audit } },
    );

    // Assess
    await expect(authorizing).rejects.toBeInstanceOf(UnauthorizedError);
    expect(uses).toEqual([]);
  });

  it('refuses a platform token where the stage accepts user tokens only', async () => {
    // Prepare
    const token = platformToken(platformKey.privateKey, {});

    // Act
    const authorizing = authorizeToken({ authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN }, { trust });

    // Assess
    await expect(authorizing).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('still allows a user token every route, without a scope', async () => {
    // Prepare
    const { uses, audit } = recordingUses();
    const token = await signToken(userKeys.privateKey, { claims: { roles: ['tenant-admin'] } });

    // Act
    const policy = await authorizeToken(
      { authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN },
      { trust, platform: { trust: platformTrust, audit } },
    );

    // Assess
    expect(policy.policyDocument.Statement[0]?.Resource).toBe(`${STAGE}/*/*`);
    expect(policy.context).toEqual({ sub: 'user-ada', tenant: 'tenant-a', roles: 'tenant-admin' });
    expect(uses).toEqual([]);
  });

  it('lets a token through when its use cannot be audited: the token is bounded by its lifetime', async () => {
    // Prepare
    const audit: TokenUseAudit = {
      recordUse: async () => {
        throw new Error('EventBridge is down');
      },
    };

    // Act
    const policy = await authorizeToken(
      { authorizationToken: `Bearer ${platformToken(platformKey.privateKey, {})}`, methodArn: METHOD_ARN },
      { trust, platform: { trust: platformTrust, audit } },
    );

    // Assess
    expect(policy.principalId).toBe('sa_1');
  });
});
