/**
 * Test fixtures for the catalog, cart, inventory, payment and order handlers: table names, a Lambda context, API
 * Gateway events as the authorizer leaves them, and a checkout saga state.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { PricingResult } from '../../../../shared/contracts/checkout-saga.js';

export const TABLES = {
  CATALOG_TABLE_NAME: 'catalog-table',
  CARTS_TABLE_NAME: 'carts-table',
  RESERVATIONS_TABLE_NAME: 'reservations-table',
  PAYMENTS_TABLE_NAME: 'payments-table',
  ORDERS_TABLE_NAME: 'orders-table',
  IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  EVENT_BUS_NAME: 'test-bus',
} as const;

/** Sets the table names and the bus name the adapters read lazily. */
export function useTestTables(): void {
  Object.assign(process.env, TABLES);
}

export const lambdaContext = {
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
  memoryLimitInMB: '256',
  awsRequestId: '1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;

export interface Caller {
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly string[];
}

export const CUSTOMER: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['customer'] };
export const OTHER_CUSTOMER: Caller = { sub: 'user-bob', tenant: 'tenant-a', roles: ['customer'] };
export const SUPPORT: Caller = { sub: 'agent-sam', tenant: 'tenant-a', roles: ['support'] };
export const OTHER_TENANT_SUPPORT: Caller = { sub: 'agent-zoe', tenant: 'tenant-b', roles: ['support'] };

export interface ApiEventOptions {
  readonly caller?: Caller;
  readonly pathParameters?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (to send malformed JSON). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const caller = options.caller ?? CUSTOMER;
  const body =
    options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    body,
    headers: { 'X-Correlation-Id': 'corr-test-0001', ...options.headers },
    multiValueHeaders: {},
    httpMethod: 'GET',
    isBase64Encoded: false,
    path: '/',
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    resource: '/',
    requestContext: {
      requestId: 'request-0001',
      authorizer: { principalId: caller.sub, tenant: caller.tenant, roles: caller.roles.join(',') },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** The JSON body of an API response, loosely typed so that assertions can reach into any of its shapes. */
// biome-ignore lint/suspicious/noExplicitAny: tests navigate arbitrary response JSON and assert on it
export function bodyOf(response: APIGatewayProxyResult): any {
  return JSON.parse(response.body);
}

export const SHIPPING_TO_CALIFORNIA = { country: 'US', region: 'CA', postalCode: '94105' };

export const SAGA_INPUT = {
  checkoutId: 'chk_0001',
  correlationId: 'corr-saga-0001',
  customerId: CUSTOMER.sub,
  tenantId: CUSTOMER.tenant,
  cartId: 'cart-ada',
  paymentToken: 'tok_visa',
  shippingAddress: SHIPPING_TO_CALIFORNIA,
  requestedAt: '2026-01-01T00:00:00.000Z',
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
