/**
 * The saga's last forward step: the checkout is COMPLETED, and the OrderPlaced.v1 event is returned for the state
 * machine to publish (with `events:putEvents`, so the publish is retried by the state machine, not by this Lambda).
 */
import type { CompleteCheckoutCommand } from '../../../shared/contracts/checkout-saga.js';
import type { OutcomeEvent } from '../../../shared/contracts/common.js';
import { OrderPlaced } from '../../../shared/contracts/events/checkout-events.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { outcomeEvent } from '../../../shared/saga/outcome-event.js';
import { type Checkouts, type Clock, systemClock } from '../ports/checkouts.js';

export interface CompleteCheckoutPorts {
  readonly checkouts: Checkouts;
  readonly clock?: Clock;
}

export async function completeCheckout(
  command: CompleteCheckoutCommand,
  ports: CompleteCheckoutPorts,
): Promise<OutcomeEvent> {
  const now = (ports.clock ?? systemClock)().toISOString();
  const { checkoutId } = command;
  const { orderId } = command.order;
  const { totals, lines } = command.pricing;
  await ports.checkouts.complete(checkoutId, { orderId, totals }, now);
  metrics.addMetric('CheckoutCompleted', MetricUnit.Count, 1);
  logger.info('Checkout completed', { checkoutId, orderId, totalCents: totals.totalCents });

  return outcomeEvent(
    OrderPlaced,
    { orderId, checkoutId, customerId: command.customerId, tenantId: command.tenantId, lines, totals },
    { correlationId: command.correlationId, occurredAt: now },
  );
}
