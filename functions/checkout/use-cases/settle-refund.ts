import type { EventPublisher } from '../../../shared/aws/event-publisher.js';
import { RefundIssued } from '../../../shared/contracts/events/checkout-events.js';
import type { PaymentGateway, PaymentRepository, StoredPayment } from '../ports/payments.js';

export interface RefundDeps {
  readonly payments: PaymentRepository;
  readonly gateway: PaymentGateway;
  readonly events: EventPublisher;
}

export interface RecordedRefund {
  readonly refundId: string;
  readonly payment: StoredPayment;
  readonly orderId: string;
  readonly amountCents: number;
  readonly correlationId: string;
}

/**
 * What follows the record of a refund, shared by the API's refunds and the saga's compensation. The record comes
 * first so that a refund is never lost: if anything below fails, the caller retries, finds its refund recorded and
 * runs this again. That is safe because the gateway refunds once per refund id, and RefundIssued is announced at
 * least once (consumers deduplicate).
 */
export async function settleRecordedRefund(refund: RecordedRefund, deps: RefundDeps): Promise<StoredPayment> {
  const { payment } = refund;
  await deps.gateway.refund({
    checkoutId: payment.checkoutId,
    refundId: refund.refundId,
    amountCents: refund.amountCents,
  });
  const settled = await deps.payments.settleStatus(payment.paymentId);
  await deps.events.publish(
    RefundIssued,
    {
      refundId: refund.refundId,
      orderId: refund.orderId,
      paymentId: payment.paymentId,
      customerId: payment.customerId,
      amountCents: refund.amountCents,
      refundedCents: settled.refundedCents,
    },
    { correlationId: refund.correlationId, occurredAt: new Date().toISOString() },
  );
  return settled;
}
