/**
 * Fixtures for the checkout, notification and saga-outcome handler tests: a Lambda context, API Gateway events as the
 * authorizer leaves them, SQS batches of EventBridge envelopes, and a saga state.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { PricingResult } from '../../../../shared/contracts/checkout-saga.js';

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

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:checkout-saga';

export function executionArnOf(checkoutId: string): string {
  return `arn:aws:states:us-east-1:000000000000:execution:checkout-saga:${checkoutId}`;
}

export interface Caller {
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly string[];
}

export const ADA: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['customer'] };
export const BOB: Caller = { sub: 'user-bob', tenant: 'tenant-a', roles: ['customer'] };
export const ADA_OTHER_TENANT: Caller = { sub: 'user-ada', tenant: 'tenant-b', roles: ['customer'] };

export interface ApiEventOptions {
  readonly caller?: Caller;
  readonly method?: string;
  readonly pathParameters?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export function apiEvent(options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const caller = options.caller ?? ADA;
  return {
    body: options.body === undefined ? null : JSON.stringify(options.body),
    headers: { 'X-Correlation-Id': 'corr-test-0001', ...options.headers },
    multiValueHeaders: {},
    httpMethod: options.method ?? 'GET',
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

/** The JSON body of an API response. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert on them.
export function bodyOf(response: APIGatewayProxyResult): any {
  return JSON.parse(response.body);
}

/** An EventBridge envelope as a rule delivers it to an SQS queue. */
export function envelope(detailType: string, data: unknown, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'evt-0001',
    'detail-type': detailType,
    source: 'sagastack.test',
    account: '000000000000',
    time: '2026-01-02T03:04:05Z',
    region: 'us-east-1',
    resources: [],
    detail: { metadata: { correlationId: 'corr-event-0001', occurredAt: '2026-01-02T03:04:05Z' }, data },
    ...overrides,
  };
}

/** An SQS batch; a string body is sent as is (to send something that is not JSON). */
export function sqsBatch(...bodies: unknown[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, index): SQSRecord => ({
        messageId: `msg-${index + 1}`,
        receiptHandle: `receipt-${index + 1}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '1767322800000',
          SenderId: 'events.amazonaws.com',
          ApproximateFirstReceiveTimestamp: '1767322800000',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:queue',
        awsRegion: 'us-east-1',
      }),
    ),
  };
}

export const SHIPPING = { country: 'US', region: 'CA', postalCode: '94105' };

export const START_BODY = { cartId: 'cart-ada', paymentToken: 'tok_visa', shippingAddress: SHIPPING };

export const SAGA_INPUT = {
  checkoutId: 'chk_01KDQ0000000000000000000000',
  correlationId: 'corr-saga-0001',
  customerId: ADA.sub,
  tenantId: ADA.tenant,
  cartId: 'cart-ada',
  paymentToken: 'tok_visa',
  shippingAddress: SHIPPING,
  requestedAt: '2026-01-01T00:00:00.000Z',
};

export const PRICING: PricingResult = {
  lines: [
    { sku: 'SKU-KEYBOARD', name: 'Mechanical keyboard', quantity: 1, unitPriceCents: 8999 },
    { sku: 'SKU-MOUSE', name: 'Wireless mouse', quantity: 2, unitPriceCents: 2999 },
  ],
  totals: { subtotalCents: 14997, discountCents: 0, taxCents: 1087, totalCents: 16084 },
};

export function cartItem(overrides: Record<string, unknown> = {}) {
  return {
    cartId: 'cart-ada',
    ownerSub: ADA.sub,
    tenantId: ADA.tenant,
    items: { 'SKU-KEYBOARD': { quantity: 1 }, 'SKU-MOUSE': { quantity: 2 } },
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
