/**
 * What an agent presents, as JWTs. Its proofs: JWTs of the stage's identity provider (the same issuer and keys as the
 * API's bearer tokens, from the environment: `shared/auth/token-trust-from-env.ts`), issued for the CheckoutRequested consumer alone
 * (`aud` = {@link CHECKOUT_REQUEST_PROOF_AUDIENCE}), as RFC 8693 delegation tokens: `sub` the customer, `act.sub` the
 * agent, `tenant`, `roles`, and `idempotency_key`, the request they were issued for. Its own token: a service
 * account's platform token, verified exactly as the API's authorizer verifies it (`shared/auth/platform-keys.ts`:
 * ES256, the platform key's `kid`, issuer, the API audience, expiry, `sub`, `tenant`, `roles`, project scope).
 *
 * Where the stage trusts an e2e issuer beside its provider (Staging, docs/adr/0042-an-e2e-issuer-for-staging.md), that
 * issuer's proofs are accepted too, each verified with its own issuer's keys only (`issuerFor`), so that the
 * end-to-end suite's agents can check out against a deployed stage as they do locally.
 */
import { identityOf, verifyClaims } from '../../../shared/auth/jwt.js';
import { verifyPlatformToken } from '../../../shared/auth/platform-keys.js';
import type { PlatformTokenTrust } from '../../../shared/auth/platform-trust-from-env.js';
import { issuerFor, type TokenTrust } from '../../../shared/auth/token-trust.js';
import { CHECKOUT_REQUEST_PROOF_AUDIENCE } from '../../../shared/contracts/events/checkout-events.js';
import { UnauthorizedError } from '../../../shared/errors.js';
import type { AgentProofs, AgentTokens } from '../ports/agent-proofs.js';

/**
 * A proof is issued for one request, just before it is made: one that was issued to live longer is refused whatever
 * its expiry says, so a leaked proof is worth minutes, not days.
 */
export const MAX_PROOF_LIFETIME_SECONDS = 15 * 60;

export function jwtAgentProofs(trust: TokenTrust): AgentProofs {
  return {
    async verify(proof) {
      const { issuer, keys } = await issuerFor(proof, trust);
      const claims = await verifyClaims(proof, keys, { issuer, audience: CHECKOUT_REQUEST_PROOF_AUDIENCE });
      const { sub, tenant, roles } = identityOf(claims);
      const { iat, exp, act, idempotency_key: idempotencyKey } = claims;
      if (typeof iat !== 'number') throw new UnauthorizedError('The proof claim iat is missing');
      if (typeof exp !== 'number' || exp - iat > MAX_PROOF_LIFETIME_SECONDS) {
        throw new UnauthorizedError(`The proof may live ${MAX_PROOF_LIFETIME_SECONDS} seconds at most`);
      }
      const agentId = typeof act === 'object' && act !== null ? (act as { sub?: unknown }).sub : undefined;
      if (typeof agentId !== 'string' || agentId.length === 0) {
        throw new UnauthorizedError('The proof claim act.sub (the acting agent) is missing');
      }
      if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0) {
        throw new UnauthorizedError('The proof claim idempotency_key is missing');
      }
      return { customerId: sub, tenantId: tenant, agentId, roles, idempotencyKey };
    },
  };
}

/**
 * Agents' own tokens, verified with the platform's key. `undefined` trust (a stage that issues no platform tokens)
 * refuses every token: no agent can then prove who it is. The token's project scope is verified but not used: an
 * agent acts for customers of its tenant, and no checkout belongs to a project (docs/adr/0038-service-accounts.md §8).
 */
export function platformAgentTokens(trust: PlatformTokenTrust | undefined): AgentTokens {
  return {
    async verify(agentToken) {
      if (!trust) throw new UnauthorizedError('The agent token is refused: this stage issues no platform tokens');
      try {
        const { sub, tenant, roles } = await verifyPlatformToken(agentToken, trust.keys, {
          issuer: trust.issuer,
          audience: trust.audience,
        });
        return { agentId: sub, tenantId: tenant, roles };
      } catch (error) {
        // Said apart from the proof's own refusals ("The token has expired" could be either).
        if (error instanceof UnauthorizedError) {
          throw new UnauthorizedError(`The agent token is refused: ${error.message}`);
        }
        throw error;
      }
    },
  };
}
