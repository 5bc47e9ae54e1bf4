import { generateKeyPairSync } from 'node:crypto';
import { RemovalPolicy } from 'aws-cdk-lib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEV_JWT_PUBLIC_KEY_PEM } from '../../../../functions/platform/dev-keys.js';

async function loadStages() {
  return (await loadModule()).stages;
}

async function loadModule() {
  vi.resetModules();
  return import('../../../../lib/config/stages.js');
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

  describe('the e2e issuer (docs/adr/0042-an-e2e-issuer-for-staging.md)', () => {
    const e2ePublicKeyPem = () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

    it('is trusted by Staging, beside its identity provider, when SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS is set', async () => {
      // Prepare
      const pem = e2ePublicKeyPem();
      vi.stubEnv('SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS', pem);

      // Act
      const stages = await loadStages();

      // Assess
      expect(stages.staging.jwt).toMatchObject({
        issuer: 'https://auth.sagastack.dev',
        jwksUrl: 'https://auth.sagastack.dev/.well-known/jwks.json',
        e2eIssuer: { issuer: 'urn:sagastack:e2e', publicKeys: [{ kid: expect.any(String), publicKeyPem: pem }] },
      });
      for (const stage of [stages.local, stages.dev, stages.prod]) expect(stage.jwt.e2eIssuer).toBeUndefined();
    });

    it('is trusted by no stage when the variable is unset: the local stage keeps its dev key alone', async () => {
      // Act
      const stages = await loadStages();

      // Assess
      expect(Object.values(stages).filter((stage) => stage.jwt.e2eIssuer)).toEqual([]);
      expect(stages.local.jwt.publicKeys).toEqual([expect.objectContaining({ kid: 'local-dev-1' })]);
    });

    it.each(['PROD', 'DEV'])('fails the synth when given to %s', async (stage) => {
      // Prepare
      vi.stubEnv(`SAGASTACK_${stage}_E2E_JWT_PUBLIC_KEYS`, e2ePublicKeyPem());

      // Act
      const loading = loadStages();

      // Assess: the class is the one the reloaded module throws, so it is matched by name
      await expect(loading).rejects.toMatchObject({ name: 'E2eIssuerRefusedError' });
      await expect(loading).rejects.toThrow(/for staging only/);
    });

    it.each([
      ['a value with no PEM', () => 'keys please'],
      ['the committed dev key', () => DEV_JWT_PUBLIC_KEY_PEM],
    ])('fails the synth given %s', async (_case, value) => {
      // Prepare
      vi.stubEnv('SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS', value());

      // Act / Assess
      await expect(loadStages()).rejects.toThrow(/SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS/);
    });

    it('reaches the functions that verify tokens as JWT_E2E_ISSUER and JWT_E2E_PUBLIC_KEYS, and never prod’s', async () => {
      // Prepare
      vi.stubEnv('SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS', e2ePublicKeyPem());
      const { stages, authorizerTrustSettings } = await loadModule();
      const staging = stages.staging;

      // Act
      const settings = authorizerTrustSettings(staging);
      const prodWithTheIssuer = () => authorizerTrustSettings({ ...stages.prod, jwt: staging.jwt });

      // Assess
      expect(settings.JWT_E2E_ISSUER).toBe('urn:sagastack:e2e');
      expect(JSON.parse(String(settings.JWT_E2E_PUBLIC_KEYS))).toEqual(staging.jwt.e2eIssuer?.publicKeys);
      expect(prodWithTheIssuer).toThrow(/prod never trusts it/);
      expect(authorizerTrustSettings(stages.prod).JWT_E2E_ISSUER).toBeUndefined();
    });
  });
});
