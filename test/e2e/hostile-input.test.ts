/**
 * What a hostile client tries at the API, beyond the plain mistakes of `bad-input.test.ts`: prototype-pollution keys,
 * deep nesting, duplicated keys, bodies that are not JSON whatever they claim, path traversal and unicode tricks in
 * ids, and oversized headers. Each is refused with a 4xx in the one error envelope, and nothing is written: every
 * table a request could touch is read back through the SDK, and the cart through the API.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  type Caller,
  call,
  defaultAddress,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  tableItems,
} from './support/target.js';

/** Every table the requests below could write, in either context, and the shared idempotency table. */
const TOUCHABLE_TABLES = [
  'CartsTableName',
  'CheckoutsTableName',
  'ReservationsTableName',
  'OrdersTableName',
  'PaymentsTableName',
  'ProjectsTableName',
  'ResourcesTableName',
  'TenantsTableName',
  'IdempotencyTableName',
] as const;

async function tablesOnce(): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of TOUCHABLE_TABLES) {
    tables[table] = (await tableItems(table)).map((item) => JSON.stringify(item)).sort();
  }
  return tables;
}

/** The tables once unchanged for 1.5 s: work an earlier file left running must not pass for a write under test. */
async function quietTables(): Promise<Record<string, string[]>> {
  let previous = await tablesOnce();
  const settled = await eventually(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const current = await tablesOnce();
      const quiet = JSON.stringify(current) === JSON.stringify(previous);
      previous = current;
      return { quiet, current };
    },
    (probe) => probe.quiet,
    { what: 'the tables to be quiet' },
  );
  return settled.current;
}

/** A refusal in the one error envelope: `{ error: { code, message, details?, correlationId } }`, nothing else. */
function expectRefused(response: ApiResponse, status: number, code: string) {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(Object.keys(response.body ?? {})).toEqual(['error']);
  expect(Object.keys(response.body.error).sort()).toEqual(
    ['code', 'correlationId', 'message', ...(response.body.error.details === undefined ? [] : ['details'])].sort(),
  );
  expect(response.body.error.correlationId).toBe(response.headers.get('x-correlation-id'));
}

const key = () => ({ 'Idempotency-Key': `key-${randomUUID()}` });
const admin = (tenant: string): Caller => ({
  sub: `admin-${randomUUID().slice(0, 8)}`,
  tenant,
  roles: ['tenant-admin'],
});

describe('hostile input: refused with the error envelope, nothing written', () => {
  it('bodies: prototype-pollution keys, deep nesting, duplicated keys, numbers JSON cannot hold, and non-JSON whatever its type', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 500);
    const cartId = await fillCart(customer, { [sku]: 2 });
    const owner = admin(customer.tenant);
    const item = (rawBody: string, headers: Record<string, string> = {}) =>
      call('PUT', `carts/${cartId}/items/${sku}`, { caller: customer, rawBody, headers });
    const checkout = (body: Record<string, unknown> | string) =>
      call('POST', 'checkouts', {
        caller: customer,
        headers: key(),
        ...(typeof body === 'string' ? { rawBody: body } : { body }),
      });
    const goodCheckout = { cartId, paymentToken: 'tok_visa', shippingAddress: defaultAddress };
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const before = await quietTables();

    // Act
    const refused = {
      proto: await item('{"quantity":3,"__proto__":{"isAdmin":true}}'),
      constructorPrototype: await item('{"quantity":3,"constructor":{"prototype":{"isAdmin":true}}}'),
      protoInAddress: await checkout(
        `{"cartId":"${cartId}","paymentToken":"tok_visa","shippingAddress":{"country":"US","region":"CA","postalCode":"94105","__proto__":{"admin":true}}}`,
      ),
      protoInProject: await call('POST', 'projects', {
        caller: owner,
        headers: key(),
        rawBody: '{"name":"p","__proto__":{"tenant":"another-tenant"}}',
      }),
      deepBody: await item(nested(20_000)),
      deepField: await item(`{"quantity":${nested(20_000)}}`),
      deepCheckout: await checkout({ ...goodCheckout, shippingAddress: JSON.parse(nested(500)) }),
      duplicatedKeyLastInvalid: await item('{"quantity":3,"quantity":500}'),
      tooBigANumber: await item('{"quantity":1e400}'),
      notAWholeNumber: await item('{"quantity":2.5}'),
      byteOrderMark: await item('\ufeff{"quantity":3}'),
      form: await item('quantity=3', { 'Content-Type': 'application/x-www-form-urlencoded' }),
      multipart: await item('--b\r\nContent-Disposition: form-data; name="quantity"\r\n\r\n3\r\n--b--', {
        'Content-Type': 'multipart/form-data; boundary=b',
      }),
      xml: await item('<quantity>3</quantity>', { 'Content-Type': 'application/xml' }),
      // Valid JSON, but the client says it is text: read as what it claims to be, it is not JSON.
      jsonAsText: await item('{"quantity":3}', { 'Content-Type': 'text/plain' }),
    };
    const after = await quietTables();
    const cart = await call('GET', `carts/${cartId}`, { caller: customer });

    // Assess
    for (const name of ['proto', 'constructorPrototype', 'protoInAddress', 'protoInProject'] as const) {
      expectRefused(refused[name], 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(refused[name].body.error.details)).toMatch(/__proto__|constructor/);
    }
    for (const name of ['deepBody', 'deepField', 'deepCheckout', 'duplicatedKeyLastInvalid'] as const) {
      expectRefused(refused[name], 400, 'VALIDATION_FAILED');
    }
    expectRefused(refused.tooBigANumber, 400, 'VALIDATION_FAILED');
    expectRefused(refused.notAWholeNumber, 400, 'VALIDATION_FAILED');
    expectRefused(refused.byteOrderMark, 400, 'MALFORMED_JSON');
    for (const name of ['form', 'multipart', 'xml', 'jsonAsText'] as const) {
      expectRefused(refused[name], 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(after).toEqual(before);
    expect(cart.body.items).toMatchObject([{ sku, quantity: 2 }]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('ids: path traversal, NUL bytes, and bidi, fullwidth or lookalike characters in path parameters', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 500);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const member: Caller = { sub: `member-${randomUUID().slice(0, 8)}`, tenant: customer.tenant, roles: ['member'] };
    const support: Caller = { sub: `support-${randomUUID().slice(0, 8)}`, tenant: customer.tenant, roles: ['support'] };
    const hostileIds = {
      traversal: '..%2F..%2Fcarts%2Fsomeone-else',
      encodedDots: '%2e%2e%2f%2e%2e',
      nul: `${cartId}%00`,
      bidi: `cart%E2%80%AEevil`,
      fullwidthSlash: '%EF%BC%8E%EF%BC%8E%EF%BC%8F',
      cyrillicLookalike: `c%D0%B0rt-1`,
      tooLong: 'x'.repeat(65),
    };
    const before = await quietTables();

    // Act
    const answers: Array<[string, string, ApiResponse]> = [];
    for (const [what, id] of Object.entries(hostileIds)) {
      answers.push(
        [what, 'cartId', await call('GET', `carts/${id}`, { caller: customer })],
        [what, 'cartId', await call('PUT', `carts/${id}/items/${sku}`, { caller: customer, body: { quantity: 1 } })],
        [what, 'sku', await call('PUT', `carts/${cartId}/items/${id}`, { caller: customer, body: { quantity: 1 } })],
        [what, 'sku', await call('DELETE', `carts/${cartId}/items/${id}`, { caller: customer })],
        [what, 'orderId', await call('POST', `orders/${id}/refunds`, { caller: support, headers: key(), body: {} })],
        [
          what,
          'projectId',
          await call('POST', `projects/${id}/resources`, {
            caller: member,
            headers: key(),
            body: { type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'hostile' },
          }),
        ],
        [what, 'resourceId', await call('DELETE', `resources/${id}`, { caller: member })],
      );
    }
    const after = await quietTables();
    const cart = await call('GET', `carts/${cartId}`, { caller: customer });

    // Assess
    for (const [what, parameter, response] of answers) {
      expect({ what, parameter, status: response.status }).toEqual({ what, parameter, status: 400 });
      expectRefused(response, 400, 'VALIDATION_FAILED');
      expect(response.body.error.details).toEqual([{ path: `path.${parameter}`, message: expect.any(String) }]);
    }
    expect(after).toEqual(before);
    expect(cart.body.items).toMatchObject([{ sku, quantity: 1 }]);
  });

  it('headers: an oversized Idempotency-Key is refused; a hostile correlation id is never echoed', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 500);
    const cartId = await fillCart(customer, { [sku]: 1 });
    const body = { cartId, paymentToken: 'tok_visa', shippingAddress: defaultAddress };
    const hostileCorrelationIds = ['c'.repeat(5000), '../../etc/passwd', '<script>alert(1)</script>', 'short'];
    const before = await quietTables();

    // Act
    const longKey = await call('POST', 'checkouts', {
      caller: customer,
      headers: { 'Idempotency-Key': 'k'.repeat(5000) },
      body,
    });
    const shortKey = await call('POST', 'checkouts', { caller: customer, headers: { 'Idempotency-Key': 'k' }, body });
    const bulkyHeaders = await call('POST', 'checkouts', {
      caller: customer,
      headers: { 'Idempotency-Key': 'k'.repeat(129), 'X-Padding': 'p'.repeat(8 * 1024) },
      body,
    });
    const correlated = await Promise.all(
      hostileCorrelationIds.map((correlationId) =>
        call('PUT', `carts/${cartId}/items/${sku}`, {
          caller: customer,
          headers: { 'X-Correlation-Id': correlationId },
          body: { quantity: 0 },
        }),
      ),
    );
    const after = await quietTables();

    // Assess
    for (const response of [longKey, shortKey, bulkyHeaders]) {
      expectRefused(response, 400, 'VALIDATION_FAILED');
      expect(response.body.error.details).toEqual([{ path: 'headers.Idempotency-Key', message: expect.any(String) }]);
    }
    for (const [index, response] of correlated.entries()) {
      expectRefused(response, 400, 'VALIDATION_FAILED');
      expect(response.body.error.correlationId).not.toBe(hostileCorrelationIds[index]);
      expect(response.text).not.toContain(hostileCorrelationIds[index]);
    }
    expect(after).toEqual(before);
  });
});
