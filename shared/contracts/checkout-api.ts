/** Request and response bodies of the checkout API. `docs/openapi.json` is generated from these schemas. */
import * as z from 'zod';
import { Cents, CustomerContact, Identifier, ShippingAddress, Sku, Totals } from './common.js';

export const PutCartItemBody = z.object({ quantity: z.int().min(1).max(99) }).strict();
export type PutCartItemBody = z.infer<typeof PutCartItemBody>;

export const StartCheckoutBody = z
  .object({
    cartId: Identifier,
    paymentToken: z.string().min(1).max(128).describe('Token from the payment provider, e.g. tok_visa'),
    shippingAddress: ShippingAddress,
    contact: CustomerContact.optional().describe('Where the customer is notified; stored encrypted'),
    discountCode: z.string().min(1).max(32).optional(),
  })
  .strict();
export type StartCheckoutBody = z.infer<typeof StartCheckoutBody>;

export const RefundBody = z
  .object({ amountCents: Cents.min(1).optional().describe('Omit for a full refund of what remains') })
  .strict();
export type RefundBody = z.infer<typeof RefundBody>;

export const Product = z.object({
  sku: Sku,
  name: z.string(),
  priceCents: Cents,
  available: z.int(),
  reserved: z.int(),
});
export type Product = z.infer<typeof Product>;

export const ProductList = z.object({ items: z.array(Product) });

const CartLine = z.object({ sku: Sku, quantity: z.int(), unitPriceCents: Cents, name: z.string() });
export const Cart = z.object({
  cartId: Identifier,
  items: z.array(CartLine),
  subtotalCents: Cents,
  updatedAt: z.string(),
});
export type Cart = z.infer<typeof Cart>;

export const CheckoutStatus = z.enum(['RUNNING', 'COMPLETED', 'FAILED']);
export type CheckoutStatus = z.infer<typeof CheckoutStatus>;

export const CheckoutAccepted = z.object({ checkoutId: Identifier, status: CheckoutStatus });

export const CheckoutView = z.object({
  checkoutId: Identifier,
  status: CheckoutStatus,
  orderId: Identifier.optional(),
  totals: Totals.optional(),
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
  steps: z.array(z.object({ name: z.string(), status: z.string(), at: z.string() })),
});
export type CheckoutView = z.infer<typeof CheckoutView>;

export const Order = z.object({
  orderId: Identifier,
  checkoutId: Identifier,
  status: z.enum(['PLACED', 'CANCELLED']),
  lines: z.array(CartLine),
  totals: Totals,
  paymentId: Identifier,
  refundedCents: Cents,
  createdAt: z.string(),
  shippingAddress: ShippingAddress.optional().describe(
    'Shown to the customer who placed the order only, never to staff; absent on orders placed without it',
  ),
  contact: CustomerContact.optional().describe('Shown to the customer who placed the order only'),
});
export type Order = z.infer<typeof Order>;

export const RefundView = z.object({
  refundId: Identifier,
  orderId: Identifier,
  amountCents: Cents,
  refundedCents: Cents,
  paymentStatus: z.enum(['CAPTURED', 'PARTIALLY_REFUNDED', 'REFUNDED']),
});

export type RefundView = z.infer<typeof RefundView>;

/** Path parameters of the catalog, cart and order routes. */
export const ProductPath = z.object({ sku: Sku });
export const CartPath = z.object({ cartId: Identifier });
export const CartItemPath = z.object({ cartId: Identifier, sku: Sku });
export const OrderPath = z.object({ orderId: Identifier });
