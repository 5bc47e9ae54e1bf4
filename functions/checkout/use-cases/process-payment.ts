import type { PaymentResult, ProcessPaymentCommand } from '../../../shared/contracts/checkout-saga.js';
import { PaymentDeclinedError } from '../../../shared/errors.js';
import { paymentIdFor } from '../domain/ids.js';
import type { CheckoutReader } from '../ports/checkouts.js';
import type { PaymentGateway, PaymentMetrics, PaymentRepository } from '../ports/payments.js';
import { checkoutDetail } from './checkout-details.js';

export interface ProcessPaymentDeps {
  readonly payments: PaymentRepository;
  readonly gateway: PaymentGateway;
  readonly metrics: PaymentMetrics;
  /** Where the payment token is: the checkout record, not the saga's state (ADR 0029). */
  readonly checkouts: CheckoutReader;
}

/**
 * Charges the priced total with the checkout's payment token and records the captured payment under the checkout's
 * deterministic payment id.
 */
export async function processPayment(command: ProcessPaymentCommand, deps: ProcessPaymentDeps): Promise<PaymentResult> {
  const paymentId = paymentIdFor(command.checkoutId);
  // A repeat after a recorded capture must not charge again.
  const existing = await deps.payments.getPayment(paymentId);
  if (existing) return { paymentId, amountCents: existing.amountCents };

  const amountCents = command.pricing.totals.totalCents;
  // Read on every attempt that may charge, from the record only: an execution started before ADR 0029 carries the
  // token in its state, and is not charged with it (the ADR says why).
  const paymentToken = await checkoutDetail(deps.checkouts, command.checkoutId, 'paymentToken');
  try {
    await deps.gateway.charge({ checkoutId: command.checkoutId, amountCents, paymentToken });
  } catch (error) {
    if (error instanceof PaymentDeclinedError) deps.metrics.paymentDeclined();
    throw error;
  }
  const payment = await deps.payments.recordCapture({
    paymentId,
    checkoutId: command.checkoutId,
    customerId: command.customerId,
    tenantId: command.tenantId,
    amountCents,
  });
  return { paymentId, amountCents: payment.amountCents };
}
