import { generateKeyPairSync } from 'node:crypto';
import { RemovalPolicy } from 'aws-cdk-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';

async function loadStages() {
  vi.resetModules();
  return (await import('../../../../lib/config/stages.js')).stages;
}

describe('stage configuration', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('prod retains data with point-in-time recovery and deletion protection; dev destroys it', async () => {
    const stages = await loadStages();
    expect(stages.prod).toMatchObject({
      removalPolicy: RemovalPolicy.RETAIN,
      pointInTimeRecovery: true,
      deletionProtection: true,
    });
    expect(stages.dev).toMatchObject({
      removalPolicy: RemovalPolicy.DESTROY,
      pointInTimeRecovery: false,
      deletionProtection: false,
    });
  });

  it('only the local stage accepts the dev key; deployed stages read their issuer’s key set by default', async () => {
    // Act
    const stages = await loadStages();

    // Assess
    expect(stages.local.jwt).toMatchObject({ publicKeys: [expect.objectContaining({ kid: 'local-dev-1' })] });
    expect(stages.local.jwt.jwksUrl).toBeUndefined();
    for (const stage of [stages.dev, stages.staging, stages.prod]) {
      expect(stage.jwt).toEqual({
        issuer: 'https://auth.sagastack.dev',
        audience: 'sagastack-api',
        jwksUrl: 'https://auth.sagastack.dev/.well-known/jwks.json',
      });
    }
  });

  it('takes a deployed stage’s key set URL from the environment, and derives the default from the issuer', async () => {
    // Prepare
    vi.stubEnv('SAGASTACK_JWT_ISSUER', 'https://login.example.com/tenant-7/');
    vi.stubEnv('SAGASTACK_PROD_JWT_JWKS_URL', 'https://keys.example.com/sagastack/jwks.json');

    // Act
    const stages = await loadStages();

    // Assess
    expect(stages.prod.jwt.jwksUrl).toBe('https://keys.example.com/sagastack/jwks.json');
    expect(stages.staging.jwt.jwksUrl).toBe('https://login.example.com/tenant-7/.well-known/jwks.json');
  });

  it.each([
    ['not a URL', 'keys please'],
    ['plain HTTP, where keys could be swapped on the way', 'http://keys.example.com/jwks.json'],
    ['a URL with credentials', 'https://user:secret@keys.example.com/jwks.json'],
  ])('refuses a key set URL that is %s at synth time', async (_case, value) => {
    vi.stubEnv('SAGASTACK_DEV_JWT_JWKS_URL', value);
    await expect(loadStages()).rejects.toThrow(/SAGASTACK_DEV_JWT_JWKS_URL/);
  });

  it('refuses a stage given both a key set URL and fixed keys: which keys it trusts is never a guess', async () => {
    // Prepare
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    vi.stubEnv('SAGASTACK_STAGING_JWT_PUBLIC_KEYS', JSON.stringify([{ kid: 'idp-2026', publicKeyPem: pem }]));
    vi.stubEnv('SAGASTACK_STAGING_JWT_JWKS_URL', 'https://keys.example.com/jwks.json');

    // Act / Assess
    await expect(loadStages()).rejects.toThrow(/both set/);
  });

  it('puts staging and prod behind the WAF, never local or dev', async () => {
    // Act
    const stages = await loadStages();

    // Assess
    expect(Object.values(stages).map((stage) => [stage.name, stage.firewall])).toEqual([
      ['local', false],
      ['dev', false],
      ['staging', true],
      ['prod', true],
    ]);
  });

  it('takes a deployed stage’s fixed keys from the environment instead of the key set', async () => {
    // Prepare
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    vi.stubEnv('SAGASTACK_STAGING_JWT_PUBLIC_KEYS', JSON.stringify([{ kid: 'idp-2026', publicKeyPem: pem }]));

    // Act
    const stages = await loadStages();

    // Assess
    expect(stages.staging.jwt.publicKeys).toEqual([{ kid: 'idp-2026', publicKeyPem: pem }]);
    expect(stages.staging.jwt.jwksUrl).toBeUndefined();
  });

  it.each([
    ['not JSON', '{oops'],
    ['not an array', '{"kid":"a"}'],
    ['no PEM', '[{"kid":"a","publicKeyPem":"nope"}]'],
    [
      'a PEM that is no key',
      '[{"kid":"a","publicKeyPem":"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"}]',
    ],
  ])('refuses keys that are %s at synth time', async (_case, value) => {
    vi.stubEnv('SAGASTACK_PROD_JWT_PUBLIC_KEYS', value);
    await expect(loadStages()).rejects.toThrow(/SAGASTACK_PROD_JWT_PUBLIC_KEYS/);
  });
});
