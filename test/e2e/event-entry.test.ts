import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEV_JWT_ISSUER, DEV_JWT_KID, signDevToken } from '../../functions/platform/dev-keys.js';
import { CHECKOUT_REQUEST_PROOF_AUDIENCE } from '../../shared/contracts/events/checkout-events.js';
import { agentCredentials, type CheckoutAgent, newCheckoutAgent, resignedAgentToken } from './support/agents.js';
import { peekQueue } from './support/aws-reads.js';
import {
  agentProof,
  aws,
  type Caller,
  call,
  defaultAddress,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  notificationsOf,
  output,
  product,
  settledCheckout,
  tableItems,
} from './support/target.js';

/** Puts one CheckoutRequested.v1 event on the platform bus, as an automated agent would. */
async function putCheckoutRequested(detail: unknown) {
  return aws.events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: output('EventBusName'),
          Source: 'sagastack.agents',
          DetailType: 'CheckoutRequested.v1',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
}

/**
 * An agent's request to check out `cartId` for `customer`: by default from the tenant's checkout agent, a service
 * account created through the API, with its platform token and the proof issued to it for this request
 * (docs/adr/0038-service-accounts.md §8); `presented` replaces either, or both.
 */
async function checkoutRequest(
  customer: Caller,
  cartId: string,
  correlationId: string,
  presented: (idempotencyKey: string) => Promise<{ proof?: string; agentToken?: string }> = async () => ({}),
) {
  const idempotencyKey = `agent-${randomUUID()}`;
  return {
    metadata: { correlationId, occurredAt: new Date().toISOString() },
    data: {
      idempotencyKey,
      customerId: customer.sub,
      tenantId: customer.tenant,
      cartId,
      paymentToken: 'tok_visa',
      shippingAddress: defaultAddress,
      ...(await agentCredentials(customer, idempotencyKey)),
      ...(await presented(idempotencyKey)),
    },
  };
}

/** What `agent` presents for `customer`'s request: its own token and a proof naming it as the actor. */
const presentedBy = (agent: CheckoutAgent, customer: Caller) => async (idempotencyKey: string) => ({
  proof: await agentProof(customer, idempotencyKey, agent.serviceAccountId),
  agentToken: agent.agentToken,
});

/**
 * The checkouts recorded for a cart. Nothing in the API lists a customer's checkouts, so an agent (and this test) can
 * only find the id the event started by scanning the Checkouts table for the cart.
 */
async function checkoutsOfCart(cartId: string) {
  const items: Array<{ checkoutId: string; customerId: string; status: string }> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await aws.dynamodb.send(
      new ScanCommand({
        TableName: output('CheckoutsTableName'),
        FilterExpression: 'cartId = :cartId',
        ExpressionAttributeValues: { ':cartId': cartId },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as typeof items));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

describe('event entry: CheckoutRequested.v1', () => {
  it('runs a saga to COMPLETED for a cart prepared through the API', async () => {
    // Prepare
    const customer = newCustomer();
    const lamp = await newProduct(5, 4500);
    const cartId = await fillCart(customer, { [lamp]: 2 });
    const correlationId = `agent-corr-${randomUUID()}`;

    // Act
    const put = await putCheckoutRequested(await checkoutRequest(customer, cartId, correlationId));
    const [started] = await eventually(
      () => checkoutsOfCart(cartId),
      (items) => items.length > 0,
      { what: `a checkout of cart ${cartId}` },
    );
    const checkout = await settledCheckout(customer, started?.checkoutId as string);

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    expect(await checkoutsOfCart(cartId)).toHaveLength(1);
    expect(started?.customerId).toBe(customer.sub);
    expect(checkout.status).toBe('COMPLETED');
    expect(checkout.totals).toEqual({ subtotalCents: 9000, discountCents: 0, taxCents: 653, totalCents: 9653 });
    const order = await call('GET', `orders/${checkout.orderId}`, { caller: customer });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ status: 'PLACED', checkoutId: checkout.checkoutId, totals: checkout.totals });
    expect(await product(lamp)).toMatchObject({ available: 3, reserved: 0 });
    const cart = await call('GET', `carts/${cartId}`, { caller: customer });
    expect(cart.body.items).toEqual([]);
    const notifications = await eventually(
      () => notificationsOf(customer.sub),
      (items) => items.some((item) => item.eventType === 'OrderPlaced.v1'),
      { what: 'the OrderPlaced notification' },
    );
    expect(notifications.map((item) => item.correlationId)).toContain(correlationId);
  });

  it('starts no checkout for an event that violates the schema and dead-letters it', async () => {
    // Prepare
    const customer = newCustomer();
    const lamp = await newProduct(5, 4500);
    const cartId = await fillCart(customer, { [lamp]: 1 });
    const correlationId = `agent-corr-${randomUUID()}`;
    const request = await checkoutRequest(customer, cartId, correlationId);
    // The one violation: an idempotency key shorter than the 8 characters the contract requires.
    const invalid = { ...request, data: { ...request.data, idempotencyKey: 'short' } };
    const checkoutsBefore = await tableItems('CheckoutsTableName');
    const dlqUrl = output('CheckoutRequestsDlqUrl');

    // Act
    const put = await putCheckoutRequested(invalid);
    const [deadLettered] = await eventually(
      () => peekQueue(dlqUrl, (body) => body.includes(correlationId)),
      (messages) => messages.length > 0,
      { timeoutMs: 90_000, intervalMs: 500, what: 'the invalid request in the CheckoutRequests DLQ' },
    );

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    const envelope = JSON.parse(deadLettered?.Body ?? '{}');
    expect(envelope['detail-type']).toBe('CheckoutRequested.v1');
    expect(envelope.detail).toEqual(invalid);
    expect(await checkoutsOfCart(cartId)).toEqual([]);
    expect(await tableItems('CheckoutsTableName')).toEqual(checkoutsBefore);
    expect(await product(lamp)).toMatchObject({ available: 5, reserved: 0 });
    const cart = await call('GET', `carts/${cartId}`, { caller: customer });
    expect(cart.body.items).toMatchObject([{ sku: lamp, quantity: 1 }]);
  });

  /**
   * Puts `request` on the bus; answers the refused request's DLQ message once it is there, after checking that nothing
   * of the customer's cart was used.
   */
  async function refusedWithReason(request: Awaited<ReturnType<typeof checkoutRequest>>, correlationId: string) {
    const put = await putCheckoutRequested(request);
    const [deadLettered] = await eventually(
      () => peekQueue(output('CheckoutRequestsDlqUrl'), (body) => body.includes(correlationId)),
      (messages) => messages.length > 0,
      { timeoutMs: 90_000, intervalMs: 500, what: 'the refused request in the CheckoutRequests DLQ' },
    );
    expect(put.FailedEntryCount).toBe(0);
    return deadLettered?.MessageAttributes?.FailureReason?.StringValue;
  }

  it.each([
    [
      'a proof issued for another customer',
      async (customer: Caller) => ({
        proof: await agentProof(newCustomer({ tenant: customer.tenant }), 'agent-key-of-someone-else'),
      }),
      /another customer/,
    ],
    ['a proof signed by no key the platform trusts', async () => ({ proof: await forgedProof() }), /kid|signature/],
    [
      'an API bearer token instead of a proof',
      async (customer: Caller) => ({
        proof: await signDevToken({ sub: customer.sub, roles: ['customer'], tenant: customer.tenant }),
      }),
      /claim aud/,
    ],
    [
      "an agent token of another tenant's checkout agent, named by the proof",
      async (customer: Caller) => presentedBy(await newCheckoutAgent(`tenant-${randomUUID().slice(0, 8)}`), customer),
      /account belongs to another tenant/,
    ],
    [
      "another checkout agent's token than the proof's actor (act.sub)",
      async (customer: Caller) => {
        const [named, other] = await Promise.all([
          newCheckoutAgent(customer.tenant),
          newCheckoutAgent(customer.tenant),
        ]);
        return async (idempotencyKey: string) => ({
          ...(await presentedBy(named, customer)(idempotencyKey)),
          agentToken: other.agentToken,
        });
      },
      /not the proof's actor \(act\.sub\)/,
    ],
    [
      'the token of a service account without the checkout-agent role',
      async (customer: Caller) => presentedBy(await newCheckoutAgent(customer.tenant, 'member'), customer),
      /account lacks the checkout-agent role/,
    ],
    [
      'an expired agent token, signed by the platform key',
      async (customer: Caller) => {
        const agent = await newCheckoutAgent(customer.tenant);
        const now = Math.floor(Date.now() / 1000);
        // Well past the verifier's few seconds of clock tolerance (shared/auth/jwt.ts).
        const expired = await resignedAgentToken(agent, { iat: now - 960, exp: now - 60 });
        return presentedBy({ ...agent, agentToken: expired }, customer);
      },
      /agent token is refused: The token has expired/,
    ],
  ])(
    'refuses %s: nothing is written, and the DLQ holds the request with the reason',
    async (_case, presentedFor, reason) => {
      // Prepare
      const customer = newCustomer({ tenant: `tenant-${randomUUID().slice(0, 8)}` });
      const lamp = await newProduct(5, 4500);
      const cartId = await fillCart(customer, { [lamp]: 1 });
      const correlationId = `agent-corr-${randomUUID()}`;
      const presented = await presentedFor(customer);
      const request = await checkoutRequest(customer, cartId, correlationId, async (idempotencyKey) =>
        typeof presented === 'function' ? presented(idempotencyKey) : presented,
      );

      // Act
      const failureReason = await refusedWithReason(request, correlationId);

      // Assess
      expect(failureReason).toMatch(reason);
      expect(await checkoutsOfCart(cartId)).toEqual([]);
      expect(await product(lamp)).toMatchObject({ available: 5, reserved: 0 });
      const cart = await call('GET', `carts/${cartId}`, { caller: customer });
      expect(cart.body.items).toMatchObject([{ sku: lamp, quantity: 1 }]);
    },
  );
});

/** A proof in the platform's shape, signed with a key of the attacker's own under the dev key's kid. */
async function forgedProof(): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ roles: ['checkout-agent'], tenant: 't1', act: { sub: 'agent:forger' }, idempotency_key: 'k' })
    .setProtectedHeader({ alg: 'RS256', kid: DEV_JWT_KID })
    .setSubject('user-victim')
    .setIssuer(DEV_JWT_ISSUER)
    .setAudience(CHECKOUT_REQUEST_PROOF_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}
