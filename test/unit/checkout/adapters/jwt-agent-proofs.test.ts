import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  jwtAgentProofs,
  MAX_PROOF_LIFETIME_SECONDS,
  platformAgentTokens,
} from '../../../../functions/checkout/adapters/jwt-agent-proofs.js';
import { importVerificationKeys } from '../../../../shared/auth/jwt.js';
import type { TokenTrust } from '../../../../shared/auth/token-trust.js';
import { CHECKOUT_REQUEST_PROOF_AUDIENCE } from '../../../../shared/contracts/events/checkout-events.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { API_AUDIENCE, KEY_ID, PLATFORM_ISSUER, type TestSigningKey, testSigningKey } from '../../identity/support.js';
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

let keys: TestKeys;
let trust: TokenTrust;

beforeAll(async () => {
  keys = await generateTestKeys();
  const verificationKeys = await importVerificationKeys([{ kid: KID, publicKeyPem: keys.publicKeyPem }]);
  trust = { keys: async () => verificationKeys, claims: () => ({ issuer: ISSUER, audience: AUDIENCE }) };
});

/** A delegation proof as the identity provider issues it: for the consumer, acting for user-ada, for one request. */
const proof = (claims: Record<string, unknown> = {}, options: { without?: string[]; expiresIn?: number } = {}) =>
  signToken(keys.privateKey, {
    claims: {
      aud: CHECKOUT_REQUEST_PROOF_AUDIENCE,
      roles: ['checkout-agent'],
      act: { sub: 'agent:shopper-bot' },
      idempotency_key: 'agent-key-0001',
      ...claims,
    },
    expiresIn: options.expiresIn ?? 300,
    ...(options.without ? { without: options.without } : {}),
  });

/**
 * Staging trusts its e2e issuer's proofs too (docs/adr/0042-an-e2e-issuer-for-staging.md), so that the suite's agents
 * check out there as locally; each proof is verified with its own issuer's keys.
 */
describe('jwtAgentProofs with an e2e issuer beside the identity provider', () => {
  let e2eKeys: TestKeys;
  let twoIssuers: TokenTrust;

  beforeAll(async () => {
    ({ trust: twoIssuers, keys: e2eKeys } = await withE2eIssuer(trust));
  });

  const e2eProof = (signingKey = () => e2eKeys.privateKey) =>
    signToken(signingKey(), {
      claims: {
        iss: E2E_ISSUER,
        aud: CHECKOUT_REQUEST_PROOF_AUDIENCE,
        roles: ['checkout-agent'],
        act: { sub: 'agent:e2e-shopper' },
        idempotency_key: 'agent-key-e2e',
      },
      header: { kid: E2E_KID },
      expiresIn: 300,
    });

  it('accepts a proof of either issuer', async () => {
    // Act
    const fromTheProvider = await jwtAgentProofs(twoIssuers).verify(await proof());
    const fromTheSuite = await jwtAgentProofs(twoIssuers).verify(await e2eProof());

    // Assess
    expect(fromTheProvider.agentId).toBe('agent:shopper-bot');
    expect(fromTheSuite).toEqual({
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      agentId: 'agent:e2e-shopper',
      roles: ['checkout-agent'],
      idempotencyKey: 'agent-key-e2e',
    });
  });

  it('refuses an e2e proof signed with another key, and one where no e2e issuer is trusted', async () => {
    // Prepare
    const signedWithTheProviderKey = await e2eProof(() => keys.privateKey);
    const signedWithTheE2eKey = await e2eProof();

    // Act
    const [forged, untrusted] = await Promise.allSettled([
      jwtAgentProofs(twoIssuers).verify(signedWithTheProviderKey),
      jwtAgentProofs(trust).verify(signedWithTheE2eKey),
    ]);

    // Assess
    expect(forged).toMatchObject({ status: 'rejected', reason: expect.any(UnauthorizedError) });
    expect(forged.status === 'rejected' && String(forged.reason.message)).toMatch(/signature is not valid/);
    expect(untrusted).toMatchObject({ status: 'rejected', reason: expect.any(UnauthorizedError) });
  });
});

describe('jwtAgentProofs', () => {
  it('returns what a valid proof delegates: the customer, tenant, agent, roles and request', async () => {
    // Act
    const delegation = await jwtAgentProofs(trust).verify(await proof());

    // Assess
    expect(delegation).toEqual({
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      agentId: 'agent:shopper-bot',
      roles: ['checkout-agent'],
      idempotencyKey: 'agent-key-0001',
    });
  });

  it.each([
    ['an API bearer token (the API audience)', { aud: AUDIENCE }, {}, /claim aud/],
    ['another issuer', { iss: 'https://elsewhere.test' }, {}, /claim iss/],
    ['no acting agent', {}, { without: ['act'] }, /act\.sub/],
    ['an act claim without sub', { act: { client_id: 'x' } }, {}, /act\.sub/],
    ['no request it was issued for', {}, { without: ['idempotency_key'] }, /idempotency_key/],
    ['no issue time', {}, { without: ['iat'] }, /iat/],
    ['a lifetime over the limit', {}, { expiresIn: MAX_PROOF_LIFETIME_SECONDS + 60 }, /seconds at most/],
    ['an expired proof', {}, { expiresIn: -60 }, /expired/],
  ])('refuses %s with an UnauthorizedError saying why', async (_case, claims, options, reason) => {
    // Act
    const verifying = jwtAgentProofs(trust).verify(await proof(claims, options));

    // Assess
    await expect(verifying).rejects.toThrow(UnauthorizedError);
    await expect(verifying).rejects.toThrow(reason);
  });

  it('refuses a proof signed with another key', async () => {
    // Prepare
    const stranger = await generateTestKeys();
    const forged = await signToken(stranger.privateKey, {
      claims: { aud: CHECKOUT_REQUEST_PROOF_AUDIENCE, act: { sub: 'agent:x' }, idempotency_key: 'k' },
    });

    // Act
    const verifying = jwtAgentProofs(trust).verify(forged);

    // Assess
    await expect(verifying).rejects.toThrow(/signature/);
  });
});

/** A service account's platform token as `POST /oauth/token` issues it (docs/adr/0038-service-accounts.md §4). */
function agentToken(
  signingKey: TestSigningKey,
  claims: Record<string, unknown> = {},
  options: { expiresIn?: number; alg?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: PLATFORM_ISSUER,
    aud: API_AUDIENCE,
    sub: 'sa_0123456789abcdef01234567',
    tenant: 'tenant-a',
    roles: ['checkout-agent'],
    project: 'proj-agents',
    client_id: 'sa_0123456789abcdef01234567',
    ...claims,
  })
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: KEY_ID })
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 900))
    .sign(signingKey.privateKey);
}

describe('platformAgentTokens', () => {
  let platformKey: TestSigningKey;
  beforeAll(() => {
    platformKey = testSigningKey();
  });
  const tokens = () =>
    platformAgentTokens({ issuer: PLATFORM_ISSUER, audience: API_AUDIENCE, keys: platformKey.verificationKeys });

  it('returns the service account, its tenant and its roles from a valid platform token', async () => {
    // Act
    const agent = await tokens().verify(await agentToken(platformKey));

    // Assess
    expect(agent).toEqual({ agentId: 'sa_0123456789abcdef01234567', tenantId: 'tenant-a', roles: ['checkout-agent'] });
  });

  it.each([
    ['an expired token', {}, { expiresIn: -60 }, /agent token is refused: The token has expired/],
    ['another issuer (a user token issuer)', { iss: 'https://idp.sagastack.test' }, {}, /claim iss/],
    ['another audience (a delegation proof)', { aud: CHECKOUT_REQUEST_PROOF_AUDIENCE }, {}, /claim aud/],
    ['a token without a project scope', { project: undefined }, {}, /project scope/],
    ['a token without roles', { roles: undefined }, {}, /claim roles/],
  ])('refuses %s with an UnauthorizedError saying why', async (_case, claims, options, reason) => {
    // Act
    const verifying = tokens().verify(await agentToken(platformKey, claims, options));

    // Assess
    await expect(verifying).rejects.toThrow(UnauthorizedError);
    await expect(verifying).rejects.toThrow(reason);
  });

  it('refuses a token signed with another P-256 key under the platform kid', async () => {
    // Prepare
    const forged = await agentToken(testSigningKey());

    // Act
    const verifying = tokens().verify(forged);

    // Assess
    await expect(verifying).rejects.toThrow(/agent token is refused: The token signature is not valid/);
  });

  it('refuses every token where the stage issues no platform tokens', async () => {
    // Act
    const verifying = platformAgentTokens(undefined).verify(await agentToken(platformKey));

    // Assess
    await expect(verifying).rejects.toThrow(/issues no platform tokens/);
  });

  it('lets a failure to read the platform key through as it is, so the message is retried, not refused', async () => {
    // Prepare
    const outage = new Error('KMS is unavailable');
    const unreachable = platformAgentTokens({
      issuer: PLATFORM_ISSUER,
      audience: API_AUDIENCE,
      keys: { keyFor: () => Promise.reject(outage) },
    });

    // Act
    const verifying = unreachable.verify(await agentToken(platformKey));

    // Assess
    await expect(verifying).rejects.toBe(outage);
  });
});
