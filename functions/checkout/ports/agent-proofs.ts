import type { AgentDelegation, AgentIdentity } from '../domain/agent-delegation.js';

/**
 * Verifies an agent's proof (a JWT the identity provider signed) and returns what it delegates. A proof that does not
 * verify (bad signature, unknown key, wrong issuer or audience, expired, lived too long, claims missing) is refused
 * with an `UnauthorizedError` whose message says why.
 */
export interface AgentProofs {
  verify(proof: string): Promise<AgentDelegation>;
}

/**
 * Verifies an agent's own token (a service account's platform token from `POST /oauth/token`) and returns who the
 * agent is. A token that does not verify (signature, `kid`, issuer, audience, expiry, claims) is refused with an
 * `UnauthorizedError` whose message says why.
 */
export interface AgentTokens {
  verify(agentToken: string): Promise<AgentIdentity>;
}
