/**
 * Who may check out for a customer without the customer's own token: an agent, a service account of the platform
 * (its own token), holding a delegation from the identity provider, for that customer, in that tenant, for that one
 * request (docs/adr/0027-agents-check-out-with-a-delegation-proof.md, docs/adr/0038-service-accounts.md §8). Pure:
 * the signatures of the proof and of the agent's token are verified before this.
 */

/**
 * The role of an identity allowed to request checkouts for the customers it serves: the identity provider puts it in
 * the proof, and a service account holds it as its one role (it grants nothing on the API's routes).
 */
const CHECKOUT_AGENT_ROLE = 'checkout-agent';

/**
 * What a verified proof says (an RFC 8693 delegation token): the customer it acts for (`sub`), the agent acting
 * (`act.sub`), its roles, and the request it was issued for (`idempotency_key`).
 */
export interface AgentDelegation {
  readonly customerId: string;
  readonly tenantId: string;
  /** The machine identity acting for the customer. */
  readonly agentId: string;
  readonly roles: readonly string[];
  /** The idempotency key of the one request the proof was issued for. */
  readonly idempotencyKey: string;
}

/** Who the agent is, as its platform token (a service account's, from `POST /oauth/token`) says once verified. */
export interface AgentIdentity {
  /** The service account: `sub` of its token. */
  readonly agentId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
}

/** What an agent asks for, as its CheckoutRequested.v1 names it. */
export interface AgentRequest {
  readonly customerId: string;
  readonly tenantId: string;
  readonly idempotencyKey: string;
}

/**
 * Why the delegation, presented by this agent, does not cover the request (`undefined` when it does). The reason names the claim, never its
 * value, so that the log and the DLQ's attributes say what is wrong without repeating the proof.
 */
export function delegationRefusal(
  delegation: AgentDelegation,
  agent: AgentIdentity,
  request: AgentRequest,
): string | undefined {
  if (!delegation.roles.includes(CHECKOUT_AGENT_ROLE))
    return `The proof's identity lacks the ${CHECKOUT_AGENT_ROLE} role`;
  if (delegation.agentId === delegation.customerId) return 'The proof is not a delegation: the agent is the customer';
  if (delegation.customerId !== request.customerId) return 'The proof was issued for another customer';
  if (delegation.tenantId !== request.tenantId) return 'The proof was issued for another tenant';
  if (delegation.idempotencyKey !== request.idempotencyKey) return 'The proof was issued for another request';
  if (!agent.roles.includes(CHECKOUT_AGENT_ROLE))
    return `The agent token's account lacks the ${CHECKOUT_AGENT_ROLE} role`;
  // The proof names its actor; only that actor's own token may present it, so a leaked proof alone is worth nothing.
  if (agent.agentId !== delegation.agentId) return "The agent token's account is not the proof's actor (act.sub)";
  // The proof's tenant is the request's (checked above): an account of another tenant acts for none of its customers.
  if (agent.tenantId !== request.tenantId) return "The agent token's account belongs to another tenant";
  return undefined;
}
