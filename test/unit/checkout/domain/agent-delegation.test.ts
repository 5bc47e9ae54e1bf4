import { describe, expect, it } from 'vitest';
import {
  type AgentDelegation,
  type AgentIdentity,
  delegationRefusal,
} from '../../../../functions/checkout/domain/agent-delegation.js';

const DELEGATION: AgentDelegation = {
  customerId: 'user-ada',
  tenantId: 'tenant-a',
  agentId: 'sa_0123456789abcdef01234567',
  roles: ['checkout-agent'],
  idempotencyKey: 'agent-key-0001',
};
/** The service account the proof names as its actor, as its own platform token says (docs/adr/0038 §8). */
const AGENT: AgentIdentity = {
  agentId: 'sa_0123456789abcdef01234567',
  tenantId: 'tenant-a',
  roles: ['checkout-agent'],
};
const REQUEST = { customerId: 'user-ada', tenantId: 'tenant-a', idempotencyKey: 'agent-key-0001' };

describe('delegationRefusal', () => {
  it('covers the request it was issued for, presented by the agent it names', () => {
    // Assess
    expect(delegationRefusal(DELEGATION, AGENT, REQUEST)).toBeUndefined();
  });

  it.each([
    ['an identity without the checkout-agent role', { roles: ['customer'] }, {}, {}, /proof's identity lacks/],
    ['an agent that is the customer itself', { agentId: 'user-ada' }, { agentId: 'user-ada' }, {}, /not a delegation/],
    ['another customer', {}, {}, { customerId: 'user-bob' }, /another customer/],
    ['another tenant', {}, {}, { tenantId: 'tenant-b' }, /proof was issued for another tenant/],
    ['another request of the same customer', {}, {}, { idempotencyKey: 'agent-key-0002' }, /another request/],
    ['a service account without the checkout-agent role', {}, { roles: ['member'] }, {}, /account lacks/],
    ['a service account that is not the proof actor', {}, { agentId: 'sa_ffffffffffffffffffffffff' }, {}, /act\.sub/],
    ['a service account of another tenant', {}, { tenantId: 'tenant-b' }, {}, /account belongs to another tenant/],
  ])('refuses %s, naming the claim and not its value', (_case, delegation, agent, request, reason) => {
    // Act
    const refusal = delegationRefusal(
      { ...DELEGATION, ...delegation },
      { ...AGENT, ...agent },
      { ...REQUEST, ...request },
    );

    // Assess
    expect(refusal).toMatch(reason);
    expect(refusal).not.toMatch(/user-bob|tenant-b|agent-key|sa_/);
  });
});
