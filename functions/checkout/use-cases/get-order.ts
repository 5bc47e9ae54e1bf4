import type { Order } from '../../../shared/contracts/checkout-api.js';
import type { Principal } from '../../../shared/contracts/common.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { OrderRepository, StoredOrder } from '../ports/orders.js';
import { type PersonalDataPorts, personalDataOf } from './personal-data.js';

/** Roles that may read and refund any order of their own tenant. */
const STAFF_ROLES = ['support', 'admin'] as const;

export function isStaff(principal: Principal): boolean {
  return STAFF_ROLES.some((role) => principal.roles.includes(role));
}

export interface GetOrderPorts extends PersonalDataPorts {
  readonly orders: OrderRepository;
}

/**
 * The order, for its customer or the tenant's staff; to anyone else it does not exist. Its customer also sees where
 * it ships and how they are contacted; staff do not: a support case about an order needs its lines and payment, and
 * every reader of an address is one more place it can leak from (docs/adr/0040-personal-data-is-envelope-encrypted.md).
 */
export async function getOrder(orderId: string, principal: Principal, deps: GetOrderPorts): Promise<Order> {
  const order = await deps.orders.getOrder(orderId);
  if (!order || order.tenantId !== principal.tenant) throw new NotFoundError('Order', orderId);
  const ownOrder = order.customerId === principal.sub;
  if (!ownOrder && !isStaff(principal)) throw new NotFoundError('Order', orderId);
  if (!ownOrder) return orderView(order);
  const personal = await personalDataOf(order.checkoutId, order.customerId, deps);
  return {
    ...orderView(order),
    ...(personal ? { shippingAddress: personal.shippingAddress } : {}),
    ...(personal?.contact ? { contact: personal.contact } : {}),
  };
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
