/**
 * An agent's CheckoutRequested.v1: once its proof verifies and delegates this very request (docs/adr/0027) to the
 * service account whose token the agent presents (docs/adr/0038-service-accounts.md §8), the customer the proof names
 * checks out through the same use case as POST /checkouts. A request that can never succeed
 * (a proof or agent token that does not verify, a proof that does not cover the request or is not the agent's, an unknown or foreign cart, an empty cart, a key
 * reused with another body) is logged with its reason and fails, and nothing is written; transient failures are
 * retried. (A message that does not match its schema never gets here: its consumer refuses it while parsing.)
 */
import type { z } from 'zod';
import type { CheckoutRequested } from '../../../shared/contracts/events/checkout-events.js';
import type { EventMetadata } from '../../../shared/contracts/events/define-event.js';
import { AppError, ForbiddenError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { isPermanentRefusal } from '../../../shared/refusals.js';
import { delegationRefusal } from '../domain/agent-delegation.js';
import type { AgentProofs, AgentTokens } from '../ports/agent-proofs.js';
import type { StartCheckoutRequest, StartCheckoutResult } from './start-checkout.js';

/** A parsed CheckoutRequested.v1 envelope, as far as this reads it. */
export interface CheckoutRequestedEvent {
  readonly id: string;
  readonly detail: { readonly metadata: EventMetadata; readonly data: z.infer<typeof CheckoutRequested.data> };
}

export interface StartRequestedCheckoutPorts {
  /** Verifies the agent's proof. */
  readonly proofs: AgentProofs;
  /** Verifies the agent's own platform token. */
  readonly agentTokens: AgentTokens;
  /** `startCheckout` run once per idempotency key (`idempotentStartCheckout`), as the API runs it. */
  readonly startCheckout: (request: StartCheckoutRequest) => Promise<StartCheckoutResult>;
}

export async function startRequestedCheckout(
  event: CheckoutRequestedEvent,
  ports: StartRequestedCheckoutPorts,
): Promise<void> {
  const { idempotencyKey, customerId, tenantId, proof, agentToken, ...body } = event.detail.data;
  try {
    // The agent first: a request from no known service account is refused without reading what it claims to carry.
    const agent = await ports.agentTokens.verify(agentToken);
    const delegation = await ports.proofs.verify(proof);
    const refusal = delegationRefusal(delegation, agent, { customerId, tenantId, idempotencyKey });
    if (refusal) throw new ForbiddenError(refusal);
    const accepted = await ports.startCheckout({
      idempotencyKey: `${customerId}:${idempotencyKey}`,
      customerId,
      tenantId,
      correlationId: event.detail.metadata.correlationId,
      body,
    });
    logger.info('Checkout request accepted', {
      eventId: event.id,
      checkoutId: accepted.checkoutId,
      agentId: delegation.agentId,
    });
  } catch (error) {
    // Rethrown either way: the consumer dead-letters a refusal at once with its reason, and retries anything else.
    if (isPermanentRefusal(error)) logRefusal(error, { eventId: event.id, cartId: body.cartId });
    throw error;
  }
}

/** Says why, so the person who looks at the DLQ alarm does not have to guess. */
function logRefusal(error: Error, fields: Record<string, unknown>): void {
  logger.warn('Checkout request refused; its queue will dead-letter it', {
    ...fields,
    reason: error.message,
    errorName: error.name,
    ...(error instanceof AppError ? { code: error.code, details: error.details } : {}),
  });
}
