import { describe, expect, it } from 'vitest';
import { type AgentDelegation, delegationRefusal } from '../../../../functions/checkout/domain/agent-delegation.js';

const DELEGATION: AgentDelegation = {
  customerId: 'user-ada',
  tenantId: 'tenant-a',
  agentId: 'agent:shopper-bot',
  roles: ['checkout-agent'],
  idempotencyKey: 'agent-key-0001',
};
const REQUEST = { customerId: 'user-ada', tenantId: 'tenant-a', idempotencyKey: 'agent-key-0001' };

describe('delegationRefusal', () => {
  it('covers the request it was issued for', () => {
    // Assess
    expect(delegationRefusal(DELEGATION, REQUEST)).toBeUndefined();
  });

  it.each([
    ['an identity without the checkout-agent role', { roles: ['customer'] }, {}, /checkout-agent role/],
    ['an agent that is the customer itself', { agentId: 'user-ada' }, {}, /not a delegation/],
    ['another customer', {}, { customerId: 'user-bob' }, /another customer/],
    ['another tenant', {}, { tenantId: 'tenant-b' }, /another tenant/],
    ['another request of the same customer', {}, { idempotencyKey: 'agent-key-0002' }, /another request/],
  ])('refuses %s, naming the claim and not its value', (_case, delegation, request, reason) => {
    // Act
    const refusal = delegationRefusal({ ...DELEGATION, ...delegation }, { ...REQUEST, ...request });

    // Assess
    expect(refusal).toMatch(reason);
    expect(refusal).not.toMatch(/user-bob|tenant-b|agent-key/);
  });
});
