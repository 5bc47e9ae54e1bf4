/**
 * Test fixtures for the catalog, cart, inventory, payment and order handlers: table names, a Lambda context, API
 * Gateway events as the authorizer leaves them, and a checkout saga state.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PricingResult } from '../../../shared/contracts/checkout-saga.js';
import {
  type ApiEventOptions,
  apiEvent as baseApiEvent,
  bodyOf,
  type Caller,
  lambdaContext,
} from '../support/lambda.js';

export const TABLES = {
  CATALOG_TABLE_NAME: 'catalog-table',
  CARTS_TABLE_NAME: 'carts-table',
  RESERVATIONS_TABLE_NAME: 'reservations-table',
  PAYMENTS_TABLE_NAME: 'payments-table',
  ORDERS_TABLE_NAME: 'orders-table',
  CHECKOUTS_TABLE_NAME: 'checkouts-table',
  IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  EVENT_BUS_NAME: 'test-bus',
} as const;

/** Sets the table names and the bus name the adapters read lazily. */
export function useTestTables(): void {
  Object.assign(process.env, TABLES);
}

export const CUSTOMER: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['customer'] };
export const OTHER_CUSTOMER: Caller = { sub: 'user-bob', tenant: 'tenant-a', roles: ['customer'] };
export const SUPPORT: Caller = { sub: 'agent-sam', tenant: 'tenant-a', roles: ['support'] };
export const OTHER_TENANT_SUPPORT: Caller = { sub: 'agent-zoe', tenant: 'tenant-b', roles: ['support'] };

/** An API event from CUSTOMER unless the test names another caller. */
export function apiEvent(options: Partial<ApiEventOptions> = {}): APIGatewayProxyEvent {
  return baseApiEvent({ caller: CUSTOMER, ...options });
}

const SHIPPING_TO_CALIFORNIA = { country: 'US', region: 'CA' };

/** The saga's state as StartCheckout starts it: ids, no payment token and no address (ADR 0029). */
export const SAGA_INPUT = {
  checkoutId: 'chk_0001',
  correlationId: 'corr-saga-0001',
  customerId: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  cartId: 'cart-ada',
  requestedAt: '2026-01-01T00:00:00.000Z',
};

/** The checkout record of SAGA_INPUT's checkout, where the steps read the payment token and the address. */
export const CHECKOUT_RECORD = {
  checkoutId: SAGA_INPUT.checkoutId,
  customerId: SAGA_INPUT.customerId,
  tenantId: SAGA_INPUT.tenantId,
  cartId: SAGA_INPUT.cartId,
  paymentToken: 'tok_visa',
  taxLocation: SHIPPING_TO_CALIFORNIA,
  personalData: 'sealed-personal-data',
  status: 'RUNNING',
  executionArn: 'arn:aws:states:us-east-1:000000000000:execution:checkout-saga:chk_0001',
  createdAt: SAGA_INPUT.requestedAt,
  updatedAt: SAGA_INPUT.requestedAt,
};

export const PRICING: PricingResult = {
  lines: [
    { sku: 'SKU-KEYBOARD', name: 'Mechanical keyboard', quantity: 1, unitPriceCents: 8999 },
    { sku: 'SKU-MOUSE', name: 'Wireless mouse', quantity: 2, unitPriceCents: 2999 },
  ],
  totals: { subtotalCents: 14997, discountCents: 0, taxCents: 1087, totalCents: 16084 },
};

export const PRODUCTS = {
  keyboard: { sku: 'SKU-KEYBOARD', name: 'Mechanical keyboard', priceCents: 8999, available: 10, reserved: 0 },
  mouse: { sku: 'SKU-MOUSE', name: 'Wireless mouse', priceCents: 2999, available: 20, reserved: 0 },
  monitor: { sku: 'SKU-MONITOR', name: '27-inch 4K monitor', priceCents: 32999, available: 1, reserved: 0 },
};

export { bodyOf, type Caller, lambdaContext };
