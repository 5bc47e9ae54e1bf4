import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as priceCart } from '../../../../../functions/checkout/handlers/saga/price-cart.js';
import { InvalidCartError, NotFoundError, ValidationError } from '../../../../../shared/errors.js';
import {
  CHECKOUT_RECORD,
  CUSTOMER,
  lambdaContext,
  PRICING,
  PRODUCTS,
  SAGA_INPUT,
  TABLES,
  useTestTables,
} from '../../commerce-harness.js';
import { failureOf } from './harness.js';
import { catalogHolds, dynamo } from './inventory-harness.js';

beforeEach(() => {
  dynamo.reset();
  useTestTables();
});

/** The checkout record the step reads the shipping address from. */
function checkoutHolds(record: Record<string, unknown> | undefined) {
  dynamo.on(GetCommand, { TableName: TABLES.CHECKOUTS_TABLE_NAME }).resolves(record ? { Item: record } : {});
}

describe('PriceCart step', () => {
  const cart = {
    cartId: SAGA_INPUT.cartId,
    ownerSub: CUSTOMER.sub,
    tenantId: CUSTOMER.tenant,
    items: { 'SKU-MOUSE': { quantity: 2 }, 'SKU-KEYBOARD': { quantity: 1 } },
    updatedAt: '2026-01-01T00:00:00.000Z',
  };

  it('prices the customer’s cart at current catalog prices with tax for the destination', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME, Key: { cartId: SAGA_INPUT.cartId } }).resolves({
      Item: cart,
    });
    checkoutHolds(CHECKOUT_RECORD);
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);

    // Act
    const result = await priceCart({ ...SAGA_INPUT, discountCode: 'WELCOME10' }, lambdaContext);

    // Assess: 14997 - 1500 (10 % of 14997 = 1499.7 → 1500) = 13497; × 7.25 % = 978.53 → 979
    expect(result).toEqual({
      lines: PRICING.lines,
      totals: { subtotalCents: 14997, discountCents: 1500, taxCents: 979, totalCents: 14476 },
      discountCode: 'WELCOME10',
    });
  });

  it('takes the destination from the checkout record, read consistently, not from the saga’s state', async () => {
    // Prepare: the record ships to New York (4 %); a state from before ADR 0029 still names California.
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: cart });
    const toNewYork = { country: 'US', region: 'NY' };
    checkoutHolds({ ...CHECKOUT_RECORD, taxLocation: toNewYork });
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);
    const legacyState = { ...SAGA_INPUT, shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' } };

    // Act
    const result = await priceCart(legacyState, lambdaContext);

    // Assess: 14997 × 4 % = 599.88 → 600
    expect(result.totals).toEqual({ subtotalCents: 14997, discountCents: 0, taxCents: 600, totalCents: 15597 });
    const [read] = dynamo.commandCalls(GetCommand, { TableName: TABLES.CHECKOUTS_TABLE_NAME });
    expect(read?.args[0].input).toMatchObject({ Key: { checkoutId: SAGA_INPUT.checkoutId }, ConsistentRead: true });
  });

  it.each([
    ['no checkout record', undefined],
    ['a checkout record without an address (written before ADR 0029)', { ...CHECKOUT_RECORD, taxLocation: undefined }],
    [
      'a checkout record with its address in clear and no tax location (written before ADR 0040)',
      { ...CHECKOUT_RECORD, taxLocation: undefined, shippingAddress: { country: 'US', region: 'CA', postalCode: '1' } },
    ],
  ])('fails with NotFoundError, not with an address from the state, for %s', async (_, record) => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: cart });
    checkoutHolds(record);
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);
    const legacyState = { ...SAGA_INPUT, shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' } };

    // Act
    const error = await failureOf(priceCart(legacyState, lambdaContext));

    // Assess: not one of the business errors, so FailCheckout reports it as INTERNAL.
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.name).toBe('NotFoundError');
  });

  it.each([
    ['missing', undefined],
    ['someone else’s', { ...cart, ownerSub: 'user-bob' }],
    ['another tenant’s', { ...cart, tenantId: 'tenant-b' }],
    ['empty', { ...cart, items: {} }],
  ])('fails with InvalidCartError for a %s cart', async (_, item) => {
    // Prepare
    dynamo.on(GetCommand).resolves(item ? { Item: item } : {});

    // Act
    const error = await failureOf(priceCart(SAGA_INPUT, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect(error.name).toBe('InvalidCartError');
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('fails with InvalidCartError naming an unknown discount code', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: TABLES.CARTS_TABLE_NAME }).resolves({ Item: cart });
    checkoutHolds(CHECKOUT_RECORD);
    catalogHolds(PRODUCTS.keyboard, PRODUCTS.mouse);

    // Act
    const error = await failureOf(priceCart({ ...SAGA_INPUT, discountCode: 'BOGUS' }, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(InvalidCartError);
    expect(error.message).toContain('BOGUS');
  });

  it('refuses a command that does not match its schema', async () => {
    // Act
    const error = await failureOf(priceCart({ ...SAGA_INPUT, cartId: undefined }, lambdaContext));

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
