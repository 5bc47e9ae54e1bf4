import * as z from 'zod';
import { PricedLine } from '../checkout-saga.js';
import { Cents, CustomerContact, Identifier, ShippingAddress, Totals } from '../common.js';
import { defineEvent } from './define-event.js';
import { EVENT_SOURCES } from './sources.js';

const CHECKOUT_SOURCE = EVENT_SOURCES.checkout;

export const OrderPlaced = defineEvent({
  name: 'OrderPlaced',
  version: 1,
  source: CHECKOUT_SOURCE,
  data: z.object({
    orderId: Identifier,
    checkoutId: Identifier,
    customerId: z.string(),
    tenantId: z.string(),
    lines: z.array(PricedLine),
    totals: Totals,
  }),
});

export const CheckoutFailed = defineEvent({
  name: 'CheckoutFailed',
  version: 1,
  source: CHECKOUT_SOURCE,
  data: z.object({
    checkoutId: Identifier,
    customerId: z.string(),
    tenantId: z.string(),
    code: z.enum(['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'INVALID_CART', 'INTERNAL']),
    message: z.string(),
  }),
});

export const RefundIssued = defineEvent({
  name: 'RefundIssued',
  version: 1,
  source: CHECKOUT_SOURCE,
  data: z.object({
    refundId: Identifier,
    orderId: Identifier,
    paymentId: Identifier,
    customerId: z.string(),
    amountCents: Cents,
    refundedCents: Cents,
  }),
});

/**
 * The audience of an agent's proof: only the CheckoutRequested consumer accepts it, and the API's authorizer, which
 * expects the API's audience, refuses it as a bearer token.
 */
export const CHECKOUT_REQUEST_PROOF_AUDIENCE = 'urn:sagastack:checkout-requested';

/** A compact JWS (`header.payload.signature`, base64url): what an agent's proof and its own token are. */
const CompactJws = z
  .string()
  .max(8192)
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a compact JWS: header.payload.signature');

/**
 * How automated agents check out: the same fields as `POST /checkouts`, the customer and tenant they act for, and
 * the proof that they may: a delegation token from the identity provider, naming the agent (`act.sub`), the customer
 * (`sub`), the tenant and this request's idempotency key (docs/adr/0027), and the agent's own token: the platform
 * token its service account (role `checkout-agent`) got from `POST /oauth/token`, whose `sub` must be the proof's
 * `act.sub` (docs/adr/0038-service-accounts.md §8). Published under the agents' source, which
 * no function of the platform may use; the consumer verifies the proof before anything is written. The address and
 * contact travel in clear on the bus (the agent's request); the consumer encrypts them before anything is stored
 * (docs/adr/0040-personal-data-is-envelope-encrypted.md).
 */
export const CheckoutRequested = defineEvent({
  name: 'CheckoutRequested',
  version: 1,
  source: EVENT_SOURCES.agents,
  data: z
    .object({
      idempotencyKey: z.string().min(8).max(128),
      customerId: z.string().min(1),
      tenantId: z.string().min(1),
      cartId: Identifier,
      paymentToken: z.string().min(1).max(128),
      shippingAddress: ShippingAddress,
      contact: CustomerContact.optional(),
      discountCode: z.string().min(1).max(32).optional(),
      proof: CompactJws,
      agentToken: CompactJws,
    })
    .strict(),
});

/** The events a customer is notified about. */
export const NOTIFIABLE_EVENTS = [OrderPlaced, CheckoutFailed, RefundIssued] as const;
