import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentDelegation, AgentIdentity } from '../../../../functions/checkout/domain/agent-delegation.js';
import type { AgentProofs, AgentTokens } from '../../../../functions/checkout/ports/agent-proofs.js';
import type { StartCheckoutRequest } from '../../../../functions/checkout/use-cases/start-checkout.js';
import {
  type CheckoutRequestedEvent,
  startRequestedCheckout,
} from '../../../../functions/checkout/use-cases/start-requested-checkout.js';
import { ForbiddenError, InvalidCartError, TransientError, UnauthorizedError } from '../../../../shared/errors.js';
import { logger } from '../../../../shared/powertools/index.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const BODY = {
  cartId: 'cart-ada',
  paymentToken: 'tok_visa',
  shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' },
};

const EVENT: CheckoutRequestedEvent = {
  id: 'evt-0001',
  detail: {
    metadata: { correlationId: 'corr-event-0001', occurredAt: '2026-01-02T03:04:05Z' },
    data: {
      idempotencyKey: 'agent-key-0001',
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      ...BODY,
      proof: 'header.payload.signature',
      agentToken: 'agent.token.signature',
    },
  },
};

/** What the proof of EVENT delegates when it is in order. */
const DELEGATION: AgentDelegation = {
  customerId: 'user-ada',
  tenantId: 'tenant-a',
  agentId: 'sa_0123456789abcdef01234567',
  roles: ['checkout-agent'],
  idempotencyKey: 'agent-key-0001',
};

/** Who the agent token of EVENT says the agent is when it is in order: the proof's actor (docs/adr/0038 §8). */
const AGENT: AgentIdentity = {
  agentId: 'sa_0123456789abcdef01234567',
  tenantId: 'tenant-a',
  roles: ['checkout-agent'],
};

/** Agent tokens that verify as `agent`, or are refused with `refusal`; remembers what it was asked to verify. */
function agentTokensAnswering(answer: AgentIdentity | Error): AgentTokens & { readonly verified: string[] } {
  const verified: string[] = [];
  return {
    verified,
    async verify(agentToken) {
      verified.push(agentToken);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

/** An agent token in order, for the tests about the proof. */
const agentTokens = agentTokensAnswering(AGENT);

/** Proofs that verify as `delegation`, or are refused with `refusal`; remembers what it was asked to verify. */
function proofsAnswering(answer: AgentDelegation | Error): AgentProofs & { readonly verified: string[] } {
  const verified: string[] = [];
  return {
    verified,
    async verify(proof) {
      verified.push(proof);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

/** A start-checkout port that remembers what it was asked and answers as it is told. */
function startCheckoutAnswering(answer: () => Promise<{ checkoutId: string; status: 'RUNNING' }>) {
  const asked: StartCheckoutRequest[] = [];
  const startCheckout = async (request: StartCheckoutRequest) => {
    asked.push(request);
    return answer();
  };
  return { startCheckout, asked };
}

const started = () => startCheckoutAnswering(async () => ({ checkoutId: 'chk_1', status: 'RUNNING' }));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('startRequestedCheckout (use case, in-memory ports)', () => {
  it('verifies the proof, then starts a checkout for the customer it delegates, under the key scoped to them', async () => {
    // Prepare
    const proofs = proofsAnswering(DELEGATION);
    const { startCheckout, asked } = started();
    const info = vi.spyOn(logger, 'info');

    // Act
    await startRequestedCheckout(EVENT, { proofs, agentTokens, startCheckout });

    // Assess
    expect(proofs.verified).toEqual(['header.payload.signature']);
    expect(agentTokens.verified).toContain('agent.token.signature');
    expect(asked).toEqual([
      {
        idempotencyKey: 'user-ada:agent-key-0001',
        customerId: 'user-ada',
        tenantId: 'tenant-a',
        correlationId: 'corr-event-0001',
        body: BODY,
      },
    ]);
    expect(info).toHaveBeenCalledWith('Checkout request accepted', {
      eventId: 'evt-0001',
      checkoutId: 'chk_1',
      agentId: 'sa_0123456789abcdef01234567',
    });
  });

  it('refuses a proof that does not verify, and starts nothing', async () => {
    // Prepare
    const refused = new UnauthorizedError('The token signature is not valid');
    const { startCheckout, asked } = started();
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const starting = startRequestedCheckout(EVENT, { proofs: proofsAnswering(refused), agentTokens, startCheckout });

    // Assess
    await expect(starting).rejects.toBe(refused);
    expect(asked).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      'Checkout request refused; its queue will dead-letter it',
      expect.objectContaining({
        eventId: 'evt-0001',
        reason: 'The token signature is not valid',
        code: 'UNAUTHORIZED',
      }),
    );
  });

  it('refuses an agent token that does not verify before reading the proof, and starts nothing', async () => {
    // Prepare
    const refused = new UnauthorizedError('The agent token is refused: The token has expired');
    const proofs = proofsAnswering(DELEGATION);
    const { startCheckout, asked } = started();
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const starting = startRequestedCheckout(EVENT, {
      proofs,
      agentTokens: agentTokensAnswering(refused),
      startCheckout,
    });

    // Assess
    await expect(starting).rejects.toBe(refused);
    expect(proofs.verified).toEqual([]);
    expect(asked).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      'Checkout request refused; its queue will dead-letter it',
      expect.objectContaining({ eventId: 'evt-0001', reason: refused.message, code: 'UNAUTHORIZED' }),
    );
  });

  it.each([
    ['an account without the checkout-agent role', { roles: ['member'] }, "The agent token's account lacks"],
    ['an account that is not the proof actor', { agentId: 'sa_ffffffffffffffffffffffff' }, "proof's actor (act.sub)"],
    ['an account of another tenant', { tenantId: 'tenant-b' }, "The agent token's account belongs to another tenant"],
  ])('refuses a valid agent token of %s (403), and starts nothing', async (_case, identity, reason) => {
    // Prepare
    const { startCheckout, asked } = started();

    // Act
    const starting = startRequestedCheckout(EVENT, {
      proofs: proofsAnswering(DELEGATION),
      agentTokens: agentTokensAnswering({ ...AGENT, ...identity }),
      startCheckout,
    });

    // Assess
    await expect(starting).rejects.toThrow(ForbiddenError);
    await expect(starting).rejects.toThrow(reason);
    expect(asked).toEqual([]);
  });

  it.each([
    ['another customer', { customerId: 'user-bob' }, 'The proof was issued for another customer'],
    ['another tenant', { tenantId: 'tenant-b' }, 'The proof was issued for another tenant'],
    ['another request', { idempotencyKey: 'agent-key-0999' }, 'The proof was issued for another request'],
    ['an identity that is no agent', { roles: ['customer'] }, "The proof's identity lacks the checkout-agent role"],
  ])('refuses a valid proof issued for %s (403), and starts nothing', async (_case, claims, reason) => {
    // Prepare
    const { startCheckout, asked } = started();

    // Act
    const starting = startRequestedCheckout(EVENT, {
      proofs: proofsAnswering({ ...DELEGATION, ...claims }),
      agentTokens,
      startCheckout,
    });

    // Assess
    await expect(starting).rejects.toThrow(ForbiddenError);
    await expect(starting).rejects.toThrow(reason);
    expect(asked).toEqual([]);
  });

  it.each([
    ['an empty cart', new InvalidCartError('Cart cart-ada is empty', { cartId: 'cart-ada' }), { code: 'INVALID_CART' }],
    ['a key reused with another body', new IdempotencyValidationError('reused'), {}],
  ])('logs the reason of a refusal (%s) and fails, so the message is dead-lettered', async (_case, refusal, fields) => {
    // Prepare
    const { startCheckout } = startCheckoutAnswering(() => Promise.reject(refusal));
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const starting = startRequestedCheckout(EVENT, { proofs: proofsAnswering(DELEGATION), agentTokens, startCheckout });

    // Assess
    await expect(starting).rejects.toBe(refusal);
    expect(warn).toHaveBeenCalledWith(
      'Checkout request refused; its queue will dead-letter it',
      expect.objectContaining({ eventId: 'evt-0001', cartId: 'cart-ada', reason: refusal.message, ...fields }),
    );
  });

  it('fails a transient error without calling it a refusal, so the message is retried', async () => {
    // Prepare
    const transient = new TransientError('The checkout could not be started; please retry');
    const { startCheckout } = startCheckoutAnswering(() => Promise.reject(transient));
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const starting = startRequestedCheckout(EVENT, { proofs: proofsAnswering(DELEGATION), agentTokens, startCheckout });

    // Assess
    await expect(starting).rejects.toBe(transient);
    expect(warn).not.toHaveBeenCalled();
  });
});
