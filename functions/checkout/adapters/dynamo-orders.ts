import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { CONDITIONAL_CHECK_FAILED, cancellationCodes } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { ConflictError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { aggregateLines } from '../domain/lines.js';
import type { OrderRepository, StoredOrder } from '../ports/orders.js';

/**
 * Orders (ORDERS_TABLE_NAME, keyed by `orderId`). Placing and cancelling an order also move the checkout's
 * reservation (RESERVATIONS_TABLE_NAME) and the products' `reserved` counters (CATALOG_TABLE_NAME) in the same
 * transaction, so an order never exists without the stock it took.
 */
export function dynamoOrders(): OrderRepository {
  const client = dynamoDocumentClient();
  const ordersTable = () => requiredEnv(tableEnv('ORDERS'));
  const reservationsTable = () => requiredEnv(tableEnv('RESERVATIONS'));
  const catalogTable = () => requiredEnv(tableEnv('CATALOG'));

  const moveReservation = (checkoutId: string, from: string, to: string, now: string) => ({
    Update: {
      TableName: reservationsTable(),
      Key: { checkoutId },
      UpdateExpression: 'SET #status = :to, updatedAt = :now',
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':from': from, ':to': to, ':now': now },
    },
  });
  const adjustReserved = (sku: string, delta: number) => ({
    Update: {
      TableName: catalogTable(),
      Key: { sku },
      UpdateExpression: 'SET reserved = reserved + :delta',
      ConditionExpression: 'attribute_exists(sku)',
      ExpressionAttributeValues: { ':delta': delta },
    },
  });

  /**
   * Sends a transaction whose first action is the order's own and whose second moves the checkout's reservation, and
   * reads its refusal: the order's own condition refused is an answer (`orderRefused`), the reservation not where
   * the move needs it a conflict. Any other error is rethrown.
   */
  const transactOrder = async <Outcome>(
    actions: NonNullable<TransactWriteCommandInput['TransactItems']>,
    outcomes: {
      done: Outcome;
      orderRefused: () => Outcome;
      reservationConflict: (cause: unknown) => ConflictError;
    },
  ): Promise<Outcome> => {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: actions }));
      return outcomes.done;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.[0] === CONDITIONAL_CHECK_FAILED) return outcomes.orderRefused();
      if (codes?.[1] === CONDITIONAL_CHECK_FAILED) throw outcomes.reservationConflict(error);
      throw error;
    }
  };

  return {
    async create(order) {
      const now = new Date().toISOString();
      const stored: StoredOrder = {
        ...order,
        lines: [...order.lines],
        status: 'PLACED',
        refundedCents: 0,
        createdAt: now,
      };
      return transactOrder(
        [
          { Put: { TableName: ordersTable(), Item: stored, ConditionExpression: 'attribute_not_exists(orderId)' } },
          moveReservation(order.checkoutId, 'HELD', 'COMMITTED', now),
          // The stock leaves the shelf for good: `available` already went down when it was reserved.
          ...aggregateLines(order.lines).map((line) => adjustReserved(line.sku, -line.quantity)),
        ],
        {
          done: 'CREATED',
          orderRefused: () => {
            logger.info('The order was already placed', { orderId: order.orderId });
            return 'ALREADY_EXISTS';
          },
          reservationConflict: (cause) =>
            new ConflictError(
              'RESERVATION_NOT_HELD',
              `Checkout ${order.checkoutId} holds no reservation to turn into an order`,
              { checkoutId: order.checkoutId },
              { cause },
            ),
        },
      );
    },

    async cancel(orderId) {
      const order = await getOrder(orderId);
      if (order?.status !== 'PLACED') {
        logger.info('Nothing to cancel', { orderId, status: order?.status ?? 'MISSING' });
        return 'NOTHING_TO_CANCEL';
      }
      const now = new Date().toISOString();
      return transactOrder(
        [
          {
            Update: {
              TableName: ordersTable(),
              Key: { orderId },
              UpdateExpression: 'SET #status = :cancelled, cancelledAt = :now',
              ConditionExpression: '#status = :placed',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':placed': 'PLACED', ':now': now },
            },
          },
          // Back to HELD with the stock counted as reserved again, so that releasing the reservation next
          // returns it to `available` exactly as it would have before the order existed.
          moveReservation(order.checkoutId, 'COMMITTED', 'HELD', now),
          ...aggregateLines(order.lines).map((line) => adjustReserved(line.sku, line.quantity)),
        ],
        {
          done: 'CANCELLED',
          orderRefused: () => {
            logger.info('The order was cancelled concurrently', { orderId });
            return 'NOTHING_TO_CANCEL';
          },
          reservationConflict: (cause) =>
            new ConflictError(
              'RESERVATION_NOT_COMMITTED',
              `The reservation of order ${orderId} is not committed; it cannot be cancelled safely`,
              { orderId, checkoutId: order.checkoutId },
              { cause },
            ),
        },
      );
    },

    getOrder,
  };

  /** Consistent: a customer reading the order the saga just placed, or a refund deciding on its status, must see it. */
  async function getOrder(orderId: string): Promise<StoredOrder | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: ordersTable(), Key: { orderId }, ConsistentRead: true }),
    );
    return Item ? toOrder(Item) : undefined;
  }
}

function toOrder(item: Record<string, unknown>): StoredOrder {
  return {
    orderId: String(item.orderId),
    checkoutId: String(item.checkoutId),
    customerId: String(item.customerId),
    tenantId: String(item.tenantId),
    status: item.status as StoredOrder['status'],
    lines: item.lines as StoredOrder['lines'],
    totals: item.totals as StoredOrder['totals'],
    paymentId: String(item.paymentId),
    refundedCents: Number(item.refundedCents ?? 0),
    createdAt: String(item.createdAt),
  };
}
