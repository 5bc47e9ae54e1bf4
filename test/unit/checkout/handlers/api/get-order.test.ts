import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

import { DecryptCommand } from '@aws-sdk/client-kms';
import { kmsPersonalDataCipher } from '../../../../../functions/checkout/adapters/kms-personal-data-cipher.js';
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
import { fakeKms, resetFakeKms } from '../../personal-data-harness.js';
import { order, prepareStores, storeHolds } from './orders-harness.js';

const orderEvent = (caller: Caller, orderId = 'ord_chk_0001') => apiEvent({ caller, pathParameters: { orderId } });

beforeEach(() => {
  prepareStores();
  resetFakeKms();
});

const PERSONAL = {
  shippingAddress: {
    country: 'US',
    region: 'CA',
    postalCode: '94105',
    recipient: 'Ada Lovelace',
    lines: ['12 Analytical Engine Way'],
    city: 'San Francisco',
  },
  contact: { email: 'ada@example.test' },
};

/** The order's checkout, its personal data sealed for it as StartCheckout seals it. */
async function checkoutOfTheOrder(owner = { tenantId: order.tenantId, checkoutId: order.checkoutId }) {
  return {
    checkoutId: order.checkoutId,
    customerId: order.customerId,
    tenantId: order.tenantId,
    personalData: await kmsPersonalDataCipher().seal(PERSONAL, owner),
  };
}

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

  it('shows its customer where the order ships and how they are contacted, opened from the checkout', async () => {
    // Prepare
    storeHolds({ checkout: await checkoutOfTheOrder() });

    // Act
    const response = await getOrder(orderEvent(CUSTOMER), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ orderId: 'ord_chk_0001', ...PERSONAL });
  });

  it('shows support the order without its address, and does not decrypt anything for them', async () => {
    // Prepare
    storeHolds({ checkout: await checkoutOfTheOrder() });

    // Act
    const response = await getOrder(orderEvent(SUPPORT), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).not.toHaveProperty('shippingAddress');
    expect(bodyOf(response)).not.toHaveProperty('contact');
    expect(fakeKms.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('answers 500, showing nothing, when the checkout holds data sealed for another checkout', async () => {
    // Prepare: someone with write access copied another checkout's sealed data onto this one.
    storeHolds({ checkout: await checkoutOfTheOrder({ tenantId: order.tenantId, checkoutId: 'chk_other' }) });

    // Act
    const response = await getOrder(orderEvent(CUSTOMER), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(bodyOf(response))).not.toContain('Analytical Engine');
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
