/**
 * Fixtures for the checkout, notification and saga-outcome handler tests: a Lambda context, API Gateway events as the
 * authorizer leaves them, SQS batches of EventBridge envelopes, and a saga state.
 */
import type { APIGatewayProxyEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { SignJWT } from 'jose';
import {
  DEV_JWT_AUDIENCE,
  DEV_JWT_ISSUER,
  DEV_JWT_PUBLIC_KEYS,
  signDevAgentProof,
} from '../../../functions/platform/dev-keys.js';
import type { PricingResult } from '../../../shared/contracts/checkout-saga.js';
import {
  type ApiEventOptions,
  apiEvent as baseApiEvent,
  bodyOf,
  type Caller,
  lambdaContext,
} from '../support/lambda.js';
// Installs the fake KMS behind the personal-data cipher and the agent token check of the handlers these fixtures serve.
import { PLATFORM_SIGNING_KEY_ARN, platformSigningKey } from './personal-data-harness.js';

export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:checkout-saga';

export function executionArnOf(checkoutId: string): string {
  return `arn:aws:states:us-east-1:000000000000:execution:checkout-saga:${checkoutId}`;
}

const ADA: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['customer'] };
export const BOB: Caller = { sub: 'user-bob', tenant: 'tenant-a', roles: ['customer'] };
export const ADA_OTHER_TENANT: Caller = { sub: 'user-ada', tenant: 'tenant-b', roles: ['customer'] };

/** An API event from ADA unless the test names another caller. */
export function apiEvent(options: Partial<ApiEventOptions> = {}): APIGatewayProxyEvent {
  return baseApiEvent({ caller: ADA, ...options });
}

/** An EventBridge envelope as a rule delivers it to an SQS queue. */
export function envelope(detailType: string, data: unknown, overrides: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'evt-0001',
    'detail-type': detailType,
    source: 'sagastack.checkout',
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

const SHIPPING = { country: 'US', region: 'CA', postalCode: '94105' };

export const START_BODY = { cartId: 'cart-ada', paymentToken: 'tok_visa', shippingAddress: SHIPPING };

export const SAGA_INPUT = {
  checkoutId: 'chk_01KDQ0000000000000000000000',
  correlationId: 'corr-saga-0001',
  customerId: ADA.sub,
  tenantId: ADA.tenant,
  cartId: 'cart-ada',
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

export { bodyOf, type Caller, lambdaContext };

/**
 * The service account of user-ada's agent and the platform settings its token is verified against: the values the
 * CheckoutRequested handler tests set in `vi.hoisted` (the handler reads them at import), repeated here to sign with.
 */
const AGENT_ACCOUNT = 'sa_0123456789abcdef01234567';
const PLATFORM_TOKEN_ISSUER = 'https://platform.sagastack.test';
const PLATFORM_TOKEN_AUDIENCE = 'sagastack-api';

/**
 * A service account's platform token, as `POST /oauth/token` issues it (docs/adr/0038-service-accounts.md §4), signed
 * with the fake KMS's platform key: by default user-ada's agent, role checkout-agent, tenant-a.
 */
export async function signAgentToken(claims: Record<string, unknown> = {}, expiresInSeconds = 900): Promise<string> {
  const kid = PLATFORM_SIGNING_KEY_ARN.slice(PLATFORM_SIGNING_KEY_ARN.lastIndexOf('/') + 1);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: PLATFORM_TOKEN_ISSUER,
    aud: PLATFORM_TOKEN_AUDIENCE,
    sub: AGENT_ACCOUNT,
    tenant: 'tenant-a',
    roles: ['checkout-agent'],
    project: 'proj-agents',
    client_id: AGENT_ACCOUNT,
    iat: now,
    exp: now + expiresInSeconds,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid })
    .sign(platformSigningKey.privateKey);
}

/** The agent keys the CheckoutRequested tests use, each with the proof issued for it. */
const AGENT_KEYS = ['agent-key-0001', 'agent-key-0002', 'agent-key-0003'] as const;

/**
 * Trusts the dev issuer as the local stage does (the settings the consumer's token trust reads), and returns the dev
 * proofs an agent acting for user-ada of tenant-a holds, one per request key (docs/adr/0027).
 */
export async function trustDevIssuerAndSignProofs(): Promise<Record<string, string>> {
  Object.assign(process.env, {
    JWT_ISSUER: DEV_JWT_ISSUER,
    JWT_AUDIENCE: DEV_JWT_AUDIENCE,
    JWT_PUBLIC_KEYS: JSON.stringify(DEV_JWT_PUBLIC_KEYS),
  });
  const signed = await Promise.all(
    AGENT_KEYS.map(async (idempotencyKey) => {
      const proof = await signDevAgentProof({
        agent: AGENT_ACCOUNT,
        customer: 'user-ada',
        tenant: 'tenant-a',
        idempotencyKey,
      });
      return [idempotencyKey, proof] as const;
    }),
  );
  return Object.fromEntries(signed);
}
