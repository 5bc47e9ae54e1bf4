import type { CreateOrderCommand } from '../../../shared/contracts/checkout-saga.js';
import { orderIdFor } from '../domain/ids.js';
import type { OrderRepository } from '../ports/orders.js';

/** Places the order for a paid checkout; the stock it reserved leaves the shelf in the same write. */
export async function createOrder(
  command: CreateOrderCommand,
  deps: { orders: OrderRepository },
): Promise<{ orderId: string }> {
  const orderId = orderIdFor(command.checkoutId);
  await deps.orders.create({
    orderId,
    checkoutId: command.checkoutId,
    customerId: command.customerId,
    tenantId: command.tenantId,
    lines: command.pricing.lines,
    totals: command.pricing.totals,
    paymentId: command.payment.paymentId,
  });
  return { orderId };
}
