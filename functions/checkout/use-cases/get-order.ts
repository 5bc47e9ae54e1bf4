import type { Order } from '../../../shared/contracts/checkout-api.js';
import type { Principal } from '../../../shared/contracts/common.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { OrderRepository, StoredOrder } from '../ports/orders.js';

/** Roles that may read and refund any order of their own tenant. */
const STAFF_ROLES = ['support', 'admin'] as const;

export function isStaff(principal: Principal): boolean {
  return STAFF_ROLES.some((role) => principal.roles.includes(role));
}

/** The order, for its customer or the tenant's staff; to anyone else it does not exist. */
export async function getOrder(
  orderId: string,
  principal: Principal,
  deps: { orders: OrderRepository },
): Promise<Order> {
  const order = await deps.orders.getOrder(orderId);
  const visible =
    order !== undefined &&
    order.tenantId === principal.tenant &&
    (order.customerId === principal.sub || isStaff(principal));
  if (!visible) throw new NotFoundError('Order', orderId);
  return orderView(order);
}

function orderView(order: StoredOrder): Order {
  return {
    orderId: order.orderId,
    checkoutId: order.checkoutId,
    status: order.status,
    lines: order.lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
    })),
    totals: order.totals,
    paymentId: order.paymentId,
    refundedCents: order.refundedCents,
    createdAt: order.createdAt,
  };
}
