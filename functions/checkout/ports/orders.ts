import type { PricedLine } from '../../../shared/contracts/checkout-saga.js';
import type { Totals } from '../../../shared/contracts/common.js';

type OrderStatus = 'PLACED' | 'CANCELLED';

interface NewOrder {
  readonly orderId: string;
  readonly checkoutId: string;
  readonly customerId: string;
  readonly tenantId: string;
  readonly lines: readonly PricedLine[];
  readonly totals: Totals;
  readonly paymentId: string;
}

export interface StoredOrder extends NewOrder {
  readonly status: OrderStatus;
  readonly refundedCents: number;
  readonly createdAt: string;
}

type CreateOrderOutcome = 'CREATED' | 'ALREADY_EXISTS';
type CancelOrderOutcome = 'CANCELLED' | 'NOTHING_TO_CANCEL';

export interface OrderRepository {
  /**
   * Places the order and commits the checkout's reservation in one transaction: the reserved stock leaves the shelf
   * for good. An order that already exists is not placed twice.
   */
  create(order: NewOrder): Promise<CreateOrderOutcome>;
  /**
   * Cancels a placed order and turns its committed stock back into a held reservation, so that releasing the
   * reservation afterwards returns the stock. A missing or already cancelled order is left alone.
   */
  cancel(orderId: string): Promise<CancelOrderOutcome>;
  getOrder(orderId: string): Promise<StoredOrder | undefined>;
}
