import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  type Caller,
  call,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  product,
  tableItems,
} from './support/target.js';

/** Every table a cart or checkout request could write: the checkout context's and the shared idempotency table. */
const TOUCHABLE_TABLES = [
  'CartsTableName',
  'CheckoutsTableName',
  'ReservationsTableName',
  'OrdersTableName',
  'PaymentsTableName',
  'IdempotencyTableName',
] as const;

async function snapshotOnce(skus: readonly string[]) {
  const tables: Record<string, string[]> = {};
  for (const table of TOUCHABLE_TABLES) {
    tables[table] = (await tableItems(table)).map((item) => JSON.stringify(item)).sort();
  }
  return { tables, products: await Promise.all(skus.map((sku) => product(sku))) };
}

/** Longer than any batching window of the consumers (a notification waits up to a second to be batched). */
const QUIET_FOR_MS = 1500;

/**
 * The tables once they are quiet: work that an earlier file left behind (an event still being consumed) must not
 * pass for a write of the request under test. Quiet means unchanged for `QUIET_FOR_MS`.
 */
async function snapshot(skus: readonly string[]) {
  let previous = await snapshotOnce(skus);
  const settled = await eventually(
    async () => {
      await new Promise((resolve) => setTimeout(resolve, QUIET_FOR_MS));
      const current = await snapshotOnce(skus);
      const quiet = JSON.stringify(current) === JSON.stringify(previous);
      previous = current;
      return { quiet, current };
    },
    (probe) => probe.quiet,
    { what: 'the tables to be quiet' },
  );
  return settled.current;
}

function expectErrorEnvelope(response: ApiResponse, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({
    error: {
      code,
      message: expect.any(String),
      correlationId: response.headers.get('x-correlation-id'),
      ...(response.body?.error?.details === undefined ? {} : { details: response.body.error.details }),
    },
  });
}

function startCheckoutRaw(caller: Caller, options: { body?: unknown; rawBody?: string }) {
  return call('POST', 'checkouts', { caller, headers: { 'Idempotency-Key': `key-${randomUUID()}` }, ...options });
}

describe('bad input: refused with the error envelope, nothing written', () => {
  it('refuses malformed JSON, missing fields, a negative quantity and an unknown SKU and leaves every table as it was', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 1200);
    const cartId = await fillCart(customer, { [sku]: 2 });
    const freshCartId = `cart-${randomUUID().slice(0, 8)}`;
    const unknownSku = `SKU-UNKNOWN-${randomUUID().slice(0, 8).toUpperCase()}`;
    const before = await snapshot([sku]);

    // Act
    const malformedItem = await call('PUT', `carts/${cartId}/items/${sku}`, {
      caller: customer,
      rawBody: '{"quantity": 3',
    });
    const malformedCheckout = await startCheckoutRaw(customer, { rawBody: `{"cartId":"${cartId}",` });
    const missingQuantity = await call('PUT', `carts/${freshCartId}/items/${sku}`, { caller: customer, body: {} });
    const missingCheckoutFields = await startCheckoutRaw(customer, { body: { cartId } });
    const negativeQuantity = await call('PUT', `carts/${cartId}/items/${sku}`, {
      caller: customer,
      body: { quantity: -1 },
    });
    const unknownProduct = await call('PUT', `carts/${freshCartId}/items/${unknownSku}`, {
      caller: customer,
      body: { quantity: 1 },
    });
    const after = await snapshot([sku]);

    // Assess
    expectErrorEnvelope(malformedItem, 400, 'MALFORMED_JSON');
    expectErrorEnvelope(malformedCheckout, 400, 'MALFORMED_JSON');

    expectErrorEnvelope(missingQuantity, 400, 'VALIDATION_FAILED');
    expect(missingQuantity.body.error.details).toEqual([{ path: 'quantity', message: expect.any(String) }]);
    expectErrorEnvelope(missingCheckoutFields, 400, 'VALIDATION_FAILED');
    expect(missingCheckoutFields.body.error.details.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'paymentToken',
      'shippingAddress',
    ]);

    expectErrorEnvelope(negativeQuantity, 400, 'VALIDATION_FAILED');
    expect(negativeQuantity.body.error.details).toEqual([{ path: 'quantity', message: expect.any(String) }]);

    expectErrorEnvelope(unknownProduct, 404, 'NOT_FOUND');
    expect(unknownProduct.body.error.details).toEqual({ resource: 'Product', id: unknownSku });

    expect(after).toEqual(before);
    expect(after.products).toEqual([expect.objectContaining({ sku, available: 10, reserved: 0 })]);
    const cart = await call('GET', `carts/${cartId}`, { caller: customer });
    expect(cart.body.items).toMatchObject([{ sku, quantity: 2 }]);
    const fresh = await call('GET', `carts/${freshCartId}`, { caller: customer });
    expect(fresh.status).toBe(404);
  });

  it('refuses a body over the platform’s limit with 413 in the envelope and writes nothing; API Gateway’s own 10 MB limit answers alike', async () => {
    // Prepare
    const customer = newCustomer();
    const sku = await newProduct(10, 1200);
    const cartId = await fillCart(customer, { [sku]: 1 });
    // A well-formed checkout, padded past 64 KiB (tuning.api.maxRequestBodyBytes) with a field nobody reads.
    const padded = {
      cartId,
      paymentToken: 'tok_visa',
      shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' },
      note: 'x'.repeat(100 * 1024),
    };
    const before = await snapshot([sku]);

    // Act
    const checkout = await startCheckoutRaw(customer, { body: padded });
    const item = await call('PUT', `carts/${cartId}/items/${sku}`, {
      caller: customer,
      rawBody: JSON.stringify({ quantity: 5, note: 'x'.repeat(100 * 1024) }),
    });
    const beyondTheGateway = await startCheckoutRaw(customer, { rawBody: 'x'.repeat(10 * 1024 * 1024 + 1) });
    const after = await snapshot([sku]);

    // Assess
    expectErrorEnvelope(checkout, 413, 'PAYLOAD_TOO_LARGE');
    expect(checkout.body.error.details).toEqual({ limitBytes: 64 * 1024 });
    expectErrorEnvelope(item, 413, 'PAYLOAD_TOO_LARGE');
    // API Gateway answers this one itself, so the correlation id is its request id.
    expect(beyondTheGateway.status).toBe(413);
    expect(beyondTheGateway.body).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.any(String),
        correlationId: beyondTheGateway.headers.get('x-amzn-requestid'),
      },
    });
    expect(after).toEqual(before);
    const cart = await call('GET', `carts/${cartId}`, { caller: customer });
    expect(cart.body.items).toMatchObject([{ sku, quantity: 1 }]);
  });
});
