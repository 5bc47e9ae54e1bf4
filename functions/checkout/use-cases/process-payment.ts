import type { PaymentResult, ProcessPaymentCommand } from '../../../shared/contracts/checkout-saga.js';
import { PaymentDeclinedError } from '../../../shared/errors.js';
import { paymentIdFor } from '../domain/ids.js';
import type { PaymentGateway, PaymentMetrics, PaymentRepository } from '../ports/payments.js';

export interface ProcessPaymentDeps {
  readonly payments: PaymentRepository;
  readonly gateway: PaymentGateway;
  readonly metrics: PaymentMetrics;
}

/** Charges the priced total and records the captured payment under the checkout's deterministic payment id. */
export async function processPayment(command: ProcessPaymentCommand, deps: ProcessPaymentDeps): Promise<PaymentResult> {
  const paymentId = paymentIdFor(command.checkoutId);
  // A repeat after a recorded capture must not charge again.
  const existing = await deps.payments.getPayment(paymentId);
  if (existing) return { paymentId, amountCents: existing.amountCents };

  const amountCents = command.pricing.totals.totalCents;
  try {
    await deps.gateway.charge({ checkoutId: command.checkoutId, amountCents, paymentToken: command.paymentToken });
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
