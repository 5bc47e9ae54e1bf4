import type { AgentDelegation } from '../domain/agent-delegation.js';

/**
 * Verifies an agent's proof (a JWT the identity provider signed) and returns what it delegates. A proof that does not
 * verify (bad signature, unknown key, wrong issuer or audience, expired, lived too long, claims missing) is refused
 * with an `UnauthorizedError` whose message says why.
 */
export interface AgentProofs {
  verify(proof: string): Promise<AgentDelegation>;
}
