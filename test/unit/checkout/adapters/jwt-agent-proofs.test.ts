import { beforeAll, describe, expect, it } from 'vitest';
import {
  jwtAgentProofs,
  MAX_PROOF_LIFETIME_SECONDS,
} from '../../../../functions/checkout/adapters/jwt-agent-proofs.js';
import { importVerificationKeys } from '../../../../shared/auth/jwt.js';
import type { TokenTrust } from '../../../../shared/auth/token-trust.js';
import { CHECKOUT_REQUEST_PROOF_AUDIENCE } from '../../../../shared/contracts/events/checkout-events.js';
import { UnauthorizedError } from '../../../../shared/errors.js';
import { AUDIENCE, generateTestKeys, ISSUER, KID, signToken, type TestKeys } from '../../support/jwt-support.js';

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
