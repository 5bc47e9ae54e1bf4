/**
 * Who may check out for a customer without the customer's own token: an agent (a machine identity) holding a
 * delegation from the identity provider, for that customer, in that tenant, for that one request
 * (docs/adr/0027-agents-check-out-with-a-delegation-proof.md). Pure: the proof's signature is verified before this.
 */

/** The role the identity provider gives a machine identity allowed to request checkouts for the customers it serves. */
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

/** What an agent asks for, as its CheckoutRequested.v1 names it. */
export interface AgentRequest {
  readonly customerId: string;
  readonly tenantId: string;
  readonly idempotencyKey: string;
}

/**
 * Why the delegation does not cover the request (`undefined` when it does). The reason names the claim, never its
 * value, so that the log and the DLQ's attributes say what is wrong without repeating the proof.
 */
export function delegationRefusal(delegation: AgentDelegation, request: AgentRequest): string | undefined {
  if (!delegation.roles.includes(CHECKOUT_AGENT_ROLE))
    return `The proof's identity lacks the ${CHECKOUT_AGENT_ROLE} role`;
  if (delegation.agentId === delegation.customerId) return 'The proof is not a delegation: the agent is the customer';
  if (delegation.customerId !== request.customerId) return 'The proof was issued for another customer';
  if (delegation.tenantId !== request.tenantId) return 'The proof was issued for another tenant';
  if (delegation.idempotencyKey !== request.idempotencyKey) return 'The proof was issued for another request';
  return undefined;
}
