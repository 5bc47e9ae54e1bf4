import type { CancelOrderCommand } from '../../../shared/contracts/checkout-saga.js';
import { orderIdFor } from '../domain/ids.js';
import type { OrderRepository } from '../ports/orders.js';

/** Compensation of CreateOrder: the order is cancelled and its stock is held again, ready to be released. */
export async function cancelOrder(
  command: Pick<CancelOrderCommand, 'checkoutId'>,
  deps: { orders: OrderRepository },
): Promise<{ cancelled: boolean }> {
  const outcome = await deps.orders.cancel(orderIdFor(command.checkoutId));
  return { cancelled: outcome === 'CANCELLED' };
}
