/**
 * The saga's last compensation: after the earlier steps were undone, the checkout is FAILED with a code the customer
 * can act on, and the CheckoutFailed.v1 event is returned for the state machine to publish.
 */
import type { FailCheckoutCommand } from '../../../shared/contracts/checkout-saga.js';
import type { OutcomeEvent } from '../../../shared/contracts/common.js';
import { CheckoutFailed } from '../../../shared/contracts/events/checkout-events.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { outcomeEvent } from '../../../shared/saga/outcome-event.js';
import { checkoutFailureOf } from '../domain/checkout-outcome.js';
import { type Checkouts, type Clock, systemClock } from '../ports/checkouts.js';

export interface FailCheckoutPorts {
  readonly checkouts: Checkouts;
  readonly clock?: Clock;
}

export async function failCheckout(command: FailCheckoutCommand, ports: FailCheckoutPorts): Promise<OutcomeEvent> {
  const now = (ports.clock ?? systemClock)().toISOString();
  const { checkoutId } = command;
  const failure = checkoutFailureOf(command.failure);
  await ports.checkouts.fail(checkoutId, { failure, totals: command.pricing?.totals }, now);

  metrics.addMetric('CheckoutCompensated', MetricUnit.Count, 1);
  if (failure.code === 'INTERNAL') {
    metrics.addMetric('CheckoutInternalFailure', MetricUnit.Count, 1);
    // The customer sees a generic message; the original error stays in the logs for whoever answers the alarm.
    logger.error('Checkout failed with an internal error', {
      checkoutId,
      caughtError: command.failure.Error,
      caughtCause: command.failure.Cause,
    });
  } else {
    logger.info('Checkout failed', { checkoutId, code: failure.code, caughtError: command.failure.Error });
  }

  return outcomeEvent(
    CheckoutFailed,
    {
      checkoutId,
      customerId: command.customerId,
      tenantId: command.tenantId,
      code: failure.code,
      message: failure.message,
    },
    { correlationId: command.correlationId, occurredAt: now },
  );
}
