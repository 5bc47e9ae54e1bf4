import type { RefundPaymentCommand } from '../../../shared/contracts/checkout-saga.js';
import { TransientError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { compensationRefundIdFor, orderIdFor, paymentIdFor } from '../domain/ids.js';
import { decideRefund } from '../domain/refunds.js';
import type { OrderRepository } from '../ports/orders.js';
import type { StoredPayment } from '../ports/payments.js';
import { type RefundDeps, settleRecordedRefund } from './settle-refund.js';

/**
 * Compensation of ProcessPayment: refunds whatever of the checkout's payment has not been refunded yet. No payment,
 * or nothing left to refund, means there is nothing to compensate.
 *
 * A payment we never recorded may still have been charged: the provider captured it and its answer was lost, and every
 * retry of ProcessPayment failed after that. So without a payment of ours the provider is asked for a charge under the
 * checkout; if there is one, it is recorded as our payment first and then refunded like any other, so that our books
 * and the provider's agree.
 */
export async function refundPayment(
  command: Pick<RefundPaymentCommand, 'checkoutId' | 'correlationId' | 'customerId' | 'tenantId'>,
  deps: RefundDeps & { orders: OrderRepository },
): Promise<{ refundId?: string; amountCents: number }> {
  const paymentId = paymentIdFor(command.checkoutId);
  const payment = (await deps.payments.getPayment(paymentId)) ?? (await recordLostCharge(command, paymentId, deps));
  if (!payment) {
    logger.info('No payment to refund', { paymentId });
    return { amountCents: 0 };
  }
  const refundId = compensationRefundIdFor(command.checkoutId);
  const orderId = orderIdFor(command.checkoutId);
  let amountCents = (await deps.payments.getRefund(paymentId, refundId))?.amountCents;
  if (amountCents === undefined) {
    const decision = decideRefund(payment);
    if (!decision.allowed) {
      logger.info('The payment was already refunded in full', { paymentId });
      return { amountCents: 0 };
    }
    // The order, if CreateOrder got that far, keeps its refunded amount in step with the payment's.
    const order = await deps.orders.getOrder(orderId);
    const outcome = await deps.payments.recordRefund({
      paymentId,
      refundId,
      amountCents: decision.amountCents,
      reason: 'checkout compensation',
      statusAfter: decision.statusAfter,
      maxRefundedBefore: decision.maxRefundedBefore,
      ...(order ? { order: { orderId, mustBePlaced: false } } : {}),
    });
    if (outcome === 'EXCEEDS_BALANCE' || outcome === 'ORDER_NOT_REFUNDABLE') {
      // The payment or order changed between the read and the write; the retry decides again on fresh data.
      throw new TransientError(`Payment ${paymentId} changed while it was being refunded`);
    }
    amountCents =
      outcome === 'ALREADY_RECORDED'
        ? ((await deps.payments.getRefund(paymentId, refundId))?.amountCents ?? decision.amountCents)
        : decision.amountCents;
  }
  await settleRecordedRefund({ refundId, payment, orderId, amountCents, correlationId: command.correlationId }, deps);
  return { refundId, amountCents };
}

/** Records, as our payment, a charge the provider made for the checkout whose answer never reached us. */
async function recordLostCharge(
  command: Pick<RefundPaymentCommand, 'checkoutId' | 'customerId' | 'tenantId'>,
  paymentId: string,
  deps: RefundDeps,
): Promise<StoredPayment | undefined> {
  const charge = await deps.gateway.findCharge(command.checkoutId);
  if (!charge) return undefined;
  logger.warn('The provider charged a payment we never recorded (its answer was lost); recording it to refund it', {
    paymentId,
    chargeReference: charge.chargeReference,
    amountCents: charge.amountCents,
  });
  return deps.payments.recordCapture({
    paymentId,
    checkoutId: command.checkoutId,
    customerId: command.customerId,
    tenantId: command.tenantId,
    amountCents: charge.amountCents,
  });
}
