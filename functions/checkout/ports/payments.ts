import type { PaymentStatus } from '../domain/refunds.js';

interface NewPayment {
  readonly paymentId: string;
  readonly checkoutId: string;
  readonly customerId: string;
  readonly tenantId: string;
  readonly amountCents: number;
}

export interface StoredPayment extends NewPayment {
  readonly refundedCents: number;
  readonly status: PaymentStatus;
  readonly createdAt: string;
}

export interface StoredRefund {
  readonly refundId: string;
  readonly paymentId: string;
  readonly amountCents: number;
  readonly reason: string;
  readonly createdAt: string;
}

interface NewRefund {
  readonly paymentId: string;
  readonly refundId: string;
  readonly amountCents: number;
  readonly reason: string;
  /** The payment's status after this refund, as decided from the payment that was read. */
  readonly statusAfter: PaymentStatus;
  /** The write is refused unless at most this much has been refunded already (see `decideRefund`). */
  readonly maxRefundedBefore: number;
  /** The order whose `refundedCents` moves with the payment's, if there is one. */
  readonly order?: { readonly orderId: string; readonly mustBePlaced: boolean };
}

type RecordRefundOutcome = 'RECORDED' | 'ALREADY_RECORDED' | 'EXCEEDS_BALANCE' | 'ORDER_NOT_REFUNDABLE';

/** Captured payments and their refunds. */
export interface PaymentRepository {
  getPayment(paymentId: string): Promise<StoredPayment | undefined>;
  /** Records a captured payment; if it was already recorded, answers the stored one. */
  recordCapture(payment: NewPayment): Promise<StoredPayment>;
  getRefund(paymentId: string, refundId: string): Promise<StoredRefund | undefined>;
  /** Records a refund, the payment's and the order's refunded amounts, all at once or not at all. */
  recordRefund(refund: NewRefund): Promise<RecordRefundOutcome>;
  /**
   * Reads the payment and, if concurrent refunds together refunded all of it while each recorded a partial status,
   * settles its status to `REFUNDED`. Answers the payment as it now is.
   */
  settleStatus(paymentId: string): Promise<StoredPayment>;
}

export interface ChargeRequest {
  readonly checkoutId: string;
  readonly amountCents: number;
  readonly paymentToken: string;
}

export interface RefundRequest {
  readonly checkoutId: string;
  /** The gateway's idempotency key: asking twice for the same refund returns money once. */
  readonly refundId: string;
  readonly amountCents: number;
}

/** A charge as the provider recorded it. */
export interface ProviderCharge {
  readonly chargeReference: string;
  readonly amountCents: number;
}

/**
 * The payment provider. The checkout id is the charge's idempotency key at the provider: asking again for the same
 * checkout answers the charge already made, never a second one.
 *
 * `charge` throws `PaymentDeclinedError` when the provider refuses for good, `PaymentGatewayUnavailableError` when
 * nothing happened and a later attempt may succeed, and `PaymentGatewayTimeoutError` when the answer was lost: the
 * charge may have happened, and a retry with the same checkout answers it.
 */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<{ readonly chargeReference: string }>;
  /** The charge the provider made for this checkout, if any: what a lost answer leaves behind. */
  findCharge(checkoutId: string): Promise<ProviderCharge | undefined>;
  refund(request: RefundRequest): Promise<{ readonly refundReference: string }>;
}

/** What payment use cases report for dashboards and alarms. */
export interface PaymentMetrics {
  paymentDeclined(): void;
}
