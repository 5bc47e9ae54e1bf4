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

  it('only the local stage accepts the dev key; deployed stages reject every token without configured keys', async () => {
    const stages = await loadStages();
    expect(stages.local.jwt.publicKeys.map((key) => key.kid)).toEqual(['local-dev-1']);
    expect(stages.dev.jwt.publicKeys).toEqual([]);
    expect(stages.prod.jwt.publicKeys).toEqual([]);
  });

  it('takes a deployed stage key from the environment', async () => {
    // Prepare
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    vi.stubEnv('SAGASTACK_STAGING_JWT_PUBLIC_KEYS', JSON.stringify([{ kid: 'idp-2026', publicKeyPem: pem }]));

    // Act
    const stages = await loadStages();

    // Assess
    expect(stages.staging.jwt.publicKeys).toEqual([{ kid: 'idp-2026', publicKeyPem: pem }]);
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
