/**
 * The checkout saga's state. Every step Lambda receives the whole state and parses the part it needs, so a step
 * never depends on a field it does not declare. Steps write their results under their own key (ResultPath).
 *
 * The state carries ids, never secrets or personal data: Step Functions keeps every state's input and output in the
 * execution history (and the state machine's log group), where anyone who may read the saga reads them too. The
 * payment token and the shipping address stay on the checkout record; the steps that need them read them there
 * (docs/adr/0029-saga-state-carries-ids-not-secrets.md).
 */
import * as z from 'zod';
import { CaughtFailure, Cents, CorrelationId, Identifier, Sku, Totals } from './common.js';

export const PricedLine = z.object({ sku: Sku, name: z.string(), quantity: z.int().min(1), unitPriceCents: Cents });
export type PricedLine = z.infer<typeof PricedLine>;

export const CheckoutSagaInput = z.object({
  checkoutId: Identifier,
  correlationId: CorrelationId,
  customerId: z.string().min(1),
  tenantId: z.string().min(1),
  cartId: Identifier,
  // A discount code is what the customer typed to pay less: neither a secret nor about the person.
  discountCode: z.string().optional(),
  requestedAt: z.string(),
});
export type CheckoutSagaInput = z.infer<typeof CheckoutSagaInput>;

export const PricingResult = z.object({
  lines: z.array(PricedLine).min(1),
  totals: Totals,
  discountCode: z.string().optional(),
});
export type PricingResult = z.infer<typeof PricingResult>;

export const PaymentResult = z.object({ paymentId: Identifier, amountCents: Cents });
export type PaymentResult = z.infer<typeof PaymentResult>;
const OrderResult = z.object({ orderId: Identifier });

/**
 * Each step's input: the saga input plus the results of the steps before it. A step that reads nothing more has its
 * own name for the saga input all the same, so that its handler names its command.
 * @alias
 */
export const PriceCartCommand = CheckoutSagaInput;
export const ReserveInventoryCommand = CheckoutSagaInput.extend({ pricing: PricingResult });
export const ReleaseInventoryCommand = CheckoutSagaInput.extend({ pricing: PricingResult });
export const ProcessPaymentCommand = CheckoutSagaInput.extend({ pricing: PricingResult });
export const RefundPaymentCommand = CheckoutSagaInput.extend({ pricing: PricingResult });
export const CreateOrderCommand = CheckoutSagaInput.extend({ pricing: PricingResult, payment: PaymentResult });
/** @alias */
export const CancelOrderCommand = CheckoutSagaInput;
export const ClearCartCommand = CheckoutSagaInput.extend({ order: OrderResult });
export const CompleteCheckoutCommand = CheckoutSagaInput.extend({
  pricing: PricingResult,
  payment: PaymentResult,
  order: OrderResult,
});
export const FailCheckoutCommand = CheckoutSagaInput.extend({
  pricing: PricingResult.optional(),
  failure: CaughtFailure,
});

export type ReserveInventoryCommand = z.infer<typeof ReserveInventoryCommand>;
export type ReleaseInventoryCommand = z.infer<typeof ReleaseInventoryCommand>;
export type ProcessPaymentCommand = z.infer<typeof ProcessPaymentCommand>;
export type RefundPaymentCommand = z.infer<typeof RefundPaymentCommand>;
export type CreateOrderCommand = z.infer<typeof CreateOrderCommand>;
export type CancelOrderCommand = z.infer<typeof CancelOrderCommand>;
export type ClearCartCommand = z.infer<typeof ClearCartCommand>;
export type CompleteCheckoutCommand = z.infer<typeof CompleteCheckoutCommand>;
export type FailCheckoutCommand = z.infer<typeof FailCheckoutCommand>;
