/**
 * What an end-to-end test may use: the target's API (HTTP with tokens of an issuer it trusts), its stack outputs, and
 * unchanged AWS SDK clients pointed at its endpoint. Nothing here knows whether the target is the local cloud,
 * LocalStack or AWS but the signer, chosen once by `suiteSigner` (the dev key locally, Staging's e2e issuer on AWS).
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { suiteSigner } from './signer.js';

export interface E2eTarget {
  readonly kind: 'local' | 'localstack' | 'aws';
  /** Base URL of the REST API, ending in `/`. */
  readonly apiUrl: string;
  /** Endpoint for SDK clients; undefined on AWS. */
  readonly awsEndpoint: string | undefined;
  readonly region: string;
  /** Every stack output by name. */
  readonly outputs: Readonly<Record<string, string>>;
}

export const target: E2eTarget = inject('target');

/** Signs every token and proof the suite sends: the one place that knows which issuer the target trusts. */
const signer = suiteSigner(target.kind);

export function output(name: string): string {
  const value = target.outputs[name];
  if (!value) throw new Error(`The target has no output ${name}`);
  return value;
}

const clientConfig = {
  region: target.region,
  ...(target.awsEndpoint
    ? { endpoint: target.awsEndpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }
    : {}),
};
export const aws = {
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
    marshallOptions: { removeUndefinedValues: true },
  }),
  sqs: new SQSClient(clientConfig),
  events: new EventBridgeClient(clientConfig),
  sfn: new SFNClient(clientConfig),
  lambda: new LambdaClient(clientConfig),
};

export interface Caller {
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly string[];
}

/** A fresh customer, so tests never share carts or notifications. */
export function newCustomer(overrides: Partial<Caller> = {}): Caller {
  return { sub: `user-${randomUUID().slice(0, 8)}`, tenant: 't1', roles: ['customer'], ...overrides };
}

/**
 * The delegation proof an agent holds to check out for `customer`, for the one request `idempotencyKey` names: what
 * the identity provider issues once the customer delegated to the agent (docs/adr/0027); signed here by the suite's
 * issuer, which the target's CheckoutRequested consumer trusts as it trusts the identity provider.
 */
export function agentProof(customer: Caller, idempotencyKey: string, agent = 'agent:e2e-shopper'): Promise<string> {
  return signer.signAgentProof({ agent, customer: customer.sub, tenant: customer.tenant, idempotencyKey });
}

export interface ApiResponse<TBody = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: TBody;
  readonly text: string;
}

export interface RequestOptions {
  readonly caller?: Caller;
  /** Sent as is; wins over `caller`. */
  readonly authorization?: string;
  readonly body?: unknown;
  /** Sent verbatim instead of `JSON.stringify(body)`, for malformed-input tests. */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

export async function call(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== undefined) headers.Authorization = options.authorization;
  else if (options.caller) headers.Authorization = `Bearer ${await signer.signToken(options.caller)}`;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  // JSON unless the test names another type (a hostile-input test sends forms and XML as what they are).
  const typed = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (body !== undefined && !typed) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path.replace(/^\//, ''), target.apiUrl), { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/**
 * Polls `probe` until `done` holds, every `intervalMs`, for at most `timeoutMs`; answers the last value. The suite's
 * files run one after the other, so each wait's overshoot (half an interval on average) adds to `npm test`: 100 ms
 * instead of 250 took the e2e run from 138–141 s to 132 s in a working copy, for polls the other stream can spare.
 */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await probe();
  }
  return value;
}

export const defaultAddress = { country: 'US', region: 'CA', postalCode: '94105' };

/** Puts `items` in a new cart of `caller` through the API; answers the cart id. */
export async function fillCart(
  caller: Caller,
  items: Record<string, number>,
  cartId = `cart-${randomUUID().slice(0, 8)}`,
) {
  for (const [sku, quantity] of Object.entries(items)) {
    const response = await call('PUT', `carts/${cartId}/items/${sku}`, { caller, body: { quantity } });
    if (response.status !== 200)
      throw new Error(`Could not add ${sku} to ${cartId}: ${response.status} ${response.text}`);
  }
  return cartId;
}

export interface CheckoutRequest {
  readonly cartId: string;
  readonly paymentToken?: string;
  readonly discountCode?: string;
  readonly idempotencyKey?: string;
}

export async function startCheckout(caller: Caller, request: CheckoutRequest): Promise<ApiResponse> {
  return call('POST', 'checkouts', {
    caller,
    headers: { 'Idempotency-Key': request.idempotencyKey ?? `key-${randomUUID()}` },
    body: {
      cartId: request.cartId,
      paymentToken: request.paymentToken ?? 'tok_visa',
      shippingAddress: defaultAddress,
      ...(request.discountCode ? { discountCode: request.discountCode } : {}),
    },
  });
}

/** Waits until the checkout leaves RUNNING and answers its view. */
export async function settledCheckout(caller: Caller, checkoutId: string, timeoutMs = 60_000) {
  const response = await eventually(
    () => call('GET', `checkouts/${checkoutId}`, { caller }),
    (r) => r.status === 200 && r.body.status !== 'RUNNING',
    { timeoutMs, what: `checkout ${checkoutId} to settle` },
  );
  return response.body as {
    checkoutId: string;
    status: 'COMPLETED' | 'FAILED';
    orderId?: string;
    totals?: Record<string, number>;
    failure?: { code: string; message: string };
    steps: Array<{ name: string; status: string; at: string }>;
  };
}

/** A product as stored, with its stock figures. */
export async function product(sku: string) {
  const result = await aws.dynamodb.send(new GetCommand({ TableName: output('CatalogTableName'), Key: { sku } }));
  return result.Item as { sku: string; available: number; reserved: number; priceCents: number } | undefined;
}

/** Every item of a table, for "nothing was written" assertions. */
export async function tableItems(outputName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await aws.dynamodb.send(
      new ScanCommand({ TableName: output(outputName), ExclusiveStartKey: startKey }),
    );
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Notifications recorded for a customer (what the customer "received"). */
export async function notificationsOf(customerId: string) {
  const result = await aws.dynamodb.send(
    new QueryCommand({
      TableName: output('NotificationsTableName'),
      KeyConditionExpression: 'recipient = :recipient',
      ExpressionAttributeValues: { ':recipient': customerId },
    }),
  );
  return (result.Items ?? []) as Array<{ channel: string; eventType: string; subject: string; correlationId: string }>;
}

/** A product of its own for one test, so stock figures are exact whatever else runs. */
export async function newProduct(available: number, priceCents = 1000): Promise<string> {
  const sku = `SKU-E2E-${randomUUID().slice(0, 8).toUpperCase()}`;
  await aws.dynamodb.send(
    new PutCommand({
      TableName: output('CatalogTableName'),
      Item: { sku, name: `Test product ${sku}`, priceCents, available, reserved: 0 },
    }),
  );
  return sku;
}

/**
 * The channels a customer was told about `eventType` on, once all `expectedChannels` were written (the notifier writes
 * them one after the other). Waiting also lets the test's asynchronous tail finish before the next file runs.
 */
export async function channelsNotified(
  customerId: string,
  eventType: string,
  expectedChannels: number,
): Promise<string[]> {
  const notifications = await eventually(
    () => notificationsOf(customerId),
    (items) => items.filter((item) => item.eventType === eventType).length >= expectedChannels,
    { what: `${expectedChannels} ${eventType} notifications of ${customerId}` },
  );
  return notifications
    .filter((item) => item.eventType === eventType)
    .map((item) => item.channel)
    .sort();
}
