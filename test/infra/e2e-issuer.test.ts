/**
 * Staging's e2e issuer as synthesized (docs/adr/0042-an-e2e-issuer-for-staging.md): with
 * SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS set, Staging's authorizer and CheckoutRequested consumer trust the e2e
 * issuer beside the identity provider; prod's synth refuses it, whether asked through its variable or handed a config
 * that names it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { StageConfig } from '../../lib/config/stages.js';
import { appWithCdkJsonContext } from './support/app.js';
import { type CfnResources, resourcesOf } from './support/synth.js';

const AUTHORIZER = 'Verifies user JWTs (RS256) and service account tokens (ES256) for the REST API';
const PROOF_CONSUMER = 'Starts checkouts that agents request with a delegation proof';

/** The stage configuration and stage construct, loaded afresh: the configuration reads the environment at load. */
async function loadApp() {
  vi.resetModules();
  const { stages } = await import('../../lib/config/stages.js');
  const { SagastackStage } = await import('../../lib/sagastack-stage.js');
  return { stages, SagastackStage };
}

async function synthesized(config: (stages: Record<string, StageConfig>) => StageConfig) {
  const { stages, SagastackStage } = await loadApp();
  const stage = new SagastackStage(appWithCdkJsonContext(), 'Probe', { config: config(stages) });
  const variablesOf = (stack: string, description: string) => {
    const functions: CfnResources = resourcesOf(
      Template.fromStack(stage.node.findChild(stack) as Parameters<typeof Template.fromStack>[0]),
      'AWS::Lambda::Function',
    );
    const found = Object.values(functions).find((fn) => fn.Properties?.Description === description);
    return found?.Properties?.Environment?.Variables as Record<string, unknown>;
  };
  return { authorizer: variablesOf('Api', AUTHORIZER), consumer: variablesOf('Checkout', PROOF_CONSUMER) };
}

const publicKeyPem = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('the e2e issuer, synthesized', () => {
  afterEach(() => vi.unstubAllEnvs());
  // The infra files share their modules (vitest.config.ts): the next file must not get the configuration this one
  // loaded under a stubbed environment.
  afterAll(() => vi.resetModules());

  it('Staging’s authorizer and proof consumer trust it beside the identity provider when the variable is set', async () => {
    // Prepare
    const pem = publicKeyPem();
    vi.stubEnv('SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS', pem);

    // Act
    const { authorizer, consumer } = await synthesized((stages) => stages.staging as StageConfig);

    // Assess
    for (const variables of [authorizer, consumer]) {
      expect(variables.JWT_ISSUER).toBe('https://auth.sagastack.dev');
      expect(variables.JWT_JWKS_URL).toBe('https://auth.sagastack.dev/.well-known/jwks.json');
      expect(variables.JWT_E2E_ISSUER).toBe('urn:sagastack:e2e');
      expect(JSON.parse(String(variables.JWT_E2E_PUBLIC_KEYS))).toEqual([
        { kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), publicKeyPem: pem },
      ]);
    }
  });

  it('Staging trusts no e2e issuer without the variable', async () => {
    // Act
    const { authorizer } = await synthesized((stages) => stages.staging as StageConfig);

    // Assess
    expect(authorizer.JWT_E2E_ISSUER).toBeUndefined();
    expect(authorizer.JWT_E2E_PUBLIC_KEYS).toBeUndefined();
  });

  it('prod’s synth refuses the e2e issuer’s keys', async () => {
    // Prepare
    vi.stubEnv('SAGASTACK_PROD_E2E_JWT_PUBLIC_KEYS', publicKeyPem());

    // Act
    const loading = loadApp();

    // Assess
    await expect(loading).rejects.toMatchObject({ name: 'E2eIssuerRefusedError' });
  });

  it('prod’s synth refuses a configuration that names the e2e issuer, however it was built', async () => {
    // Prepare
    vi.stubEnv('SAGASTACK_STAGING_E2E_JWT_PUBLIC_KEYS', publicKeyPem());

    // Act
    const synthesizing = synthesized((stages) => ({
      ...(stages.prod as StageConfig),
      jwt: (stages.staging as StageConfig).jwt,
    }));

    // Assess
    await expect(synthesizing).rejects.toMatchObject({ name: 'E2eIssuerRefusedError' });
    await expect(synthesizing).rejects.toThrow(/prod never trusts it/);
  });
});
