import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { handler as getOrder } from '../../../../../functions/checkout/handlers/api/get-order.js';
import {
  apiEvent,
  bodyOf,
  type Caller,
  CUSTOMER,
  lambdaContext,
  OTHER_CUSTOMER,
  OTHER_TENANT_SUPPORT,
  PRICING,
  SUPPORT,
} from '../../commerce-harness.js';
import { prepareStores, storeHolds } from './orders-harness.js';

const orderEvent = (caller: Caller, orderId = 'ord_chk_0001') => apiEvent({ caller, pathParameters: { orderId } });

beforeEach(prepareStores);

describe('GET /orders/{orderId}', () => {
  it.each([
    ['its customer', CUSTOMER],
    ['support of the same tenant', SUPPORT],
    ['an admin of the same tenant', { sub: 'admin-1', tenant: CUSTOMER.tenant, roles: ['admin'] }],
  ])('answers the order to %s', async (_, caller) => {
    // Prepare
    storeHolds();

    // Act
    const response = await getOrder(orderEvent(caller), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      orderId: 'ord_chk_0001',
      checkoutId: 'chk_0001',
      status: 'PLACED',
      lines: PRICING.lines,
      totals: PRICING.totals,
      paymentId: 'pay_chk_0001',
      refundedCents: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['another customer', OTHER_CUSTOMER],
    ['support of another tenant', OTHER_TENANT_SUPPORT],
  ])('answers 404 to %s', async (_, caller) => {
    // Prepare
    storeHolds();

    // Act
    const response = await getOrder(orderEvent(caller), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toMatchObject({
      code: 'NOT_FOUND',
      details: { resource: 'Order', id: 'ord_chk_0001' },
    });
  });

  it('answers 404 for an order that does not exist', async () => {
    // Prepare
    storeHolds({ order: undefined });

    // Act
    const response = await getOrder(orderEvent(CUSTOMER, 'ord_nope'), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(404);
  });
});
