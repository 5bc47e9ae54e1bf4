import type { RefundView } from '../../../shared/contracts/checkout-api.js';
import type { Principal } from '../../../shared/contracts/common.js';
import { BusinessRuleError, ConflictError, NotFoundError } from '../../../shared/errors.js';
import { requestedRefundIdFor } from '../domain/ids.js';
import { decideRefund, remainingRefundableCents } from '../domain/refunds.js';
import type { OrderRepository } from '../ports/orders.js';
import { isStaff } from './get-order.js';
import { type RefundDeps, settleRecordedRefund } from './settle-refund.js';

export interface RequestRefundCommand {
  readonly orderId: string;
  /** Omitted: refund everything that remains. */
  readonly amountCents?: number | undefined;
  /** The client's Idempotency-Key: the refund's id derives from it and the caller, so a repeat finds its own refund. */
  readonly idempotencyKey: string;
  readonly principal: Principal;
  readonly correlationId: string;
}

/** A support agent or admin refunds part or all of an order of their tenant. */
export async function requestRefund(
  command: RequestRefundCommand,
  deps: RefundDeps & { orders: OrderRepository },
): Promise<RefundView> {
  const { orderId } = command;
  const refundId = requestedRefundIdFor(command.principal.sub, command.idempotencyKey);
  const order = await deps.orders.getOrder(orderId);
  if (!order || order.tenantId !== command.principal.tenant || !isStaff(command.principal)) {
    throw new NotFoundError('Order', orderId);
  }
  const payment = await deps.payments.getPayment(order.paymentId);
  if (!payment) throw new NotFoundError('Payment', order.paymentId);

  const settle = async (amountCents: number): Promise<RefundView> => {
    const settled = await settleRecordedRefund(
      { refundId, payment, orderId, amountCents, correlationId: command.correlationId },
      deps,
    );
    return { refundId, orderId, amountCents, refundedCents: settled.refundedCents, paymentStatus: settled.status };
  };

  // A retry of a request whose refund was recorded before something later failed: finish it, do not refund again.
  const earlier = await deps.payments.getRefund(payment.paymentId, refundId);
  if (earlier) return settle(earlier.amountCents);

  if (order.status !== 'PLACED') {
    throw new ConflictError('ORDER_CANCELLED', `Order ${orderId} is cancelled; its payment was already refunded`);
  }
  const decision = decideRefund(payment, command.amountCents);
  if (!decision.allowed) throw exceedsBalance(orderId, decision.requestedCents, decision.remainingCents);

  const outcome = await deps.payments.recordRefund({
    paymentId: payment.paymentId,
    refundId,
    amountCents: decision.amountCents,
    reason: 'requested by support',
    statusAfter: decision.statusAfter,
    maxRefundedBefore: decision.maxRefundedBefore,
    order: { orderId, mustBePlaced: true },
  });
  switch (outcome) {
    case 'EXCEEDS_BALANCE': {
      // A concurrent refund took part of the balance between our read and our write.
      const current = (await deps.payments.getPayment(payment.paymentId)) ?? payment;
      throw exceedsBalance(orderId, decision.amountCents, remainingRefundableCents(current));
    }
    case 'ORDER_NOT_REFUNDABLE':
      throw new ConflictError('ORDER_CANCELLED', `Order ${orderId} was cancelled; its payment was already refunded`);
    case 'ALREADY_RECORDED': {
      const recorded = await deps.payments.getRefund(payment.paymentId, refundId);
      return settle(recorded?.amountCents ?? decision.amountCents);
    }
    case 'RECORDED':
      return settle(decision.amountCents);
  }
}

function exceedsBalance(orderId: string, requestedCents: number, remainingCents: number): BusinessRuleError {
  return new BusinessRuleError(
    'REFUND_EXCEEDS_BALANCE',
    `Order ${orderId} has ${remainingCents} cents left to refund; ${requestedCents} cents were requested`,
    { requestedCents, remainingCents },
  );
}
