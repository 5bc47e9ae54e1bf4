import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEV_JWT_AUDIENCE, DEV_JWT_ISSUER, DEV_JWT_KID, signDevToken } from '../../functions/platform/dev-keys.js';
import {
  type ApiResponse,
  aws,
  call,
  defaultAddress,
  fillCart,
  newCustomer,
  newProduct,
  output,
  settledCheckout,
  startCheckout,
  tableItems,
} from './support/target.js';

/** A token exactly like a dev token, but signed with a key pair of its own under the dev key's kid. */
async function tokenSignedWithAnotherKey(sub: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['customer'], tenant: 't1' })
    .setProtectedHeader({ alg: 'RS256', kid: DEV_JWT_KID, typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(DEV_JWT_ISSUER)
    .setAudience(DEV_JWT_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
}

function expectErrorEnvelope(response: ApiResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({
    error: {
      code,
      message: expect.any(String),
      correlationId: expect.any(String),
      ...(response.body?.error?.details === undefined ? {} : { details: response.body.error.details }),
    },
  });
  expect(response.body.error.message.length).toBeGreaterThan(0);
  expect(response.body.error.correlationId.length).toBeGreaterThan(0);
}

describe('auth: who may call what', () => {
  it.each([
    ['no token', async () => undefined],
    ['a token signed with another RSA key', async () => `Bearer ${await tokenSignedWithAnotherKey('user-forger')}`],
    [
      'an expired token',
      async () =>
        `Bearer ${await signDevToken({ sub: `user-${randomUUID().slice(0, 8)}`, roles: ['customer'], tenant: 't1', expiresInSeconds: -60 })}`,
    ],
  ])('answers 401 UNAUTHORIZED in the error envelope to %s', async (_, authorization) => {
    // Prepare
    const header = await authorization();

    // Act
    const responses = [
      await call('GET', 'products', header === undefined ? {} : { authorization: header }),
      await call(
        'GET',
        `carts/cart-${randomUUID().slice(0, 8)}`,
        header === undefined ? {} : { authorization: header },
      ),
    ];

    // Assess
    for (const response of responses) {
      expectErrorEnvelope(response, 401, 'UNAUTHORIZED');
      expect(response.body.error.details).toBeUndefined();
    }
  });

  it("hides another customer's cart: GET, PUT item and POST /checkouts all answer 404", async () => {
    // Prepare
    const owner = newCustomer();
    const intruder = newCustomer();
    const sku = await newProduct(10, 1500);
    const cartId = await fillCart(owner, { [sku]: 2 });
    const ownersCart = (await call('GET', `carts/${cartId}`, { caller: owner })).body;
    const checkoutsBefore = await tableItems('CheckoutsTableName');

    // Act
    const read = await call('GET', `carts/${cartId}`, { caller: intruder });
    const write = await call('PUT', `carts/${cartId}/items/${sku}`, { caller: intruder, body: { quantity: 5 } });
    const checkout = await call('POST', 'checkouts', {
      caller: intruder,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
      body: { cartId, paymentToken: 'tok_visa', shippingAddress: defaultAddress },
    });

    // Assess
    for (const response of [read, write, checkout]) {
      expectErrorEnvelope(response, 404, 'NOT_FOUND');
      expect(response.body.error.details).toEqual({ resource: 'Cart', id: cartId });
    }
    expect((await call('GET', `carts/${cartId}`, { caller: owner })).body).toEqual(ownersCart);
    expect(await tableItems('CheckoutsTableName')).toEqual(checkoutsBefore);
  });

  it('keeps the health routes open: live and ready answer 200 without a token', async () => {
    // Act
    const live = await call('GET', 'health/live');
    const ready = await call('GET', 'health/ready');

    // Assess
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      checks: expect.any(Array),
      version: expect.any(String),
      commit: expect.any(String),
      buildDate: expect.any(String),
      uptimeSeconds: expect.any(Number),
    });
    expect(ready.body.checks.length).toBeGreaterThan(0);
    for (const check of ready.body.checks) {
      expect(check).toEqual({ name: expect.any(String), status: 'ok', latencyMs: expect.any(Number) });
    }
  });

  it('answers 403 FORBIDDEN to a customer refunding their own order, and refunds nothing', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 2500);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const accepted = await startCheckout(customer, { cartId });
    const completed = await settledCheckout(customer, accepted.body.checkoutId);
    const paymentKey = { pk: `PAYMENT#pay_${completed.checkoutId}`, sk: 'PAYMENT' };
    const payment = async () =>
      (await aws.dynamodb.send(new GetCommand({ TableName: output('PaymentsTableName'), Key: paymentKey }))).Item;
    const paymentBefore = await payment();

    // Act
    const refund = await call('POST', `orders/${completed.orderId}/refunds`, {
      caller: customer,
      headers: { 'Idempotency-Key': `key-${randomUUID()}` },
      body: {},
    });

    // Assess
    expect(completed.status).toBe('COMPLETED');
    expectErrorEnvelope(refund, 403, 'FORBIDDEN');
    expect(paymentBefore).toMatchObject({ status: 'CAPTURED', refundedCents: 0 });
    expect(await payment()).toEqual(paymentBefore);
    const order = await call('GET', `orders/${completed.orderId}`, { caller: customer });
    expect(order.body).toMatchObject({ status: 'PLACED', refundedCents: 0 });
  });
});
