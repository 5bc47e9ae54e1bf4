import * as z from 'zod';
import { PricedLine } from '../checkout-saga.js';
import { Cents, Identifier, ShippingAddress, Totals } from '../common.js';
import { defineEvent } from './define-event.js';

const CHECKOUT_SOURCE = 'sagastack.checkout';

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
 * How automated agents check out: the same fields as `POST /checkouts`, plus the identity the API would take from
 * the token. Any source may send it; the rule matches on detail-type only.
 */
export const CheckoutRequested = defineEvent({
  name: 'CheckoutRequested',
  version: 1,
  source: 'sagastack.agents',
  data: z
    .object({
      idempotencyKey: z.string().min(8).max(128),
      customerId: z.string().min(1),
      tenantId: z.string().min(1),
      cartId: Identifier,
      paymentToken: z.string().min(1).max(128),
      shippingAddress: ShippingAddress,
      discountCode: z.string().min(1).max(32).optional(),
    })
    .strict(),
});

/** The events a customer is notified about. */
export const NOTIFIABLE_EVENTS = [OrderPlaced, CheckoutFailed, RefundIssued] as const;
