/** The checkout view for `GET /checkouts/{checkoutId}`: the record, plus the saga's steps from its history. */
import type { CheckoutView } from '../../../shared/contracts/checkout-api.js';
import type { Principal } from '../../../shared/contracts/common.js';
import { NotFoundError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { endedUnsuccessfully } from '../../../shared/saga/execution-status.js';
import { checkoutStepsOf, INTERNAL_FAILURE_MESSAGE } from '../domain/checkout-outcome.js';
import type { CheckoutRecord, CheckoutSaga, Checkouts, SagaExecutionStatus } from '../ports/checkouts.js';

export interface GetCheckoutPorts {
  readonly checkouts: Checkouts;
  readonly saga: CheckoutSaga;
}

export async function getCheckout(
  query: { checkoutId: string; principal: Principal },
  ports: GetCheckoutPorts,
): Promise<CheckoutView> {
  const { checkoutId, principal } = query;
  const record = await ports.checkouts.find(checkoutId);
  // Another customer's (or tenant's) checkout is "not found": its existence is not theirs to learn.
  if (!record || record.customerId !== principal.sub || record.tenantId !== principal.tenant) {
    throw new NotFoundError('Checkout', checkoutId);
  }

  const executionArn = record.executionArn;
  const [history, executionStatus] = executionArn
    ? await Promise.all([
        ports.saga.history(executionArn),
        record.status === 'RUNNING' ? ports.saga.status(executionArn) : Promise.resolve(undefined),
      ])
    : [[], undefined];

  return {
    ...viewOf(record, executionStatus),
    steps: checkoutStepsOf(history),
  };
}

function viewOf(record: CheckoutRecord, executionStatus: SagaExecutionStatus | undefined): Omit<CheckoutView, 'steps'> {
  const base = {
    checkoutId: record.checkoutId,
    ...(record.totals ? { totals: record.totals } : {}),
  };
  if (record.status === 'RUNNING' && endedUnsuccessfully(executionStatus)) {
    // The saga died without its FailCheckout step recording why (e.g. a compensation itself failed, or a timeout).
    logger.warn('Checkout saga ended without recording an outcome', {
      checkoutId: record.checkoutId,
      executionStatus,
    });
    return { ...base, status: 'FAILED', failure: { code: 'INTERNAL', message: INTERNAL_FAILURE_MESSAGE } };
  }
  return {
    ...base,
    status: record.status,
    ...(record.status === 'COMPLETED' && record.orderId ? { orderId: record.orderId } : {}),
    ...(record.status === 'FAILED' && record.failure
      ? { failure: { code: record.failure.code, message: record.failure.message } }
      : {}),
  };
}
