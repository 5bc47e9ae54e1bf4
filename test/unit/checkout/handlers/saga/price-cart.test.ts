import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as priceCart } from '../../../../../functions/checkout/handlers/saga/price-cart.js';
import { InvalidCartError, ValidationError } from '../../../../../shared/errors.js';
import {
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
    dynamo.on(GetCommand).resolves({ Item: cart });
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
