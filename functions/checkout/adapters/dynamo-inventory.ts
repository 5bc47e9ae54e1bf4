import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CONDITIONAL_CHECK_FAILED, cancellationCodes } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { logger } from '../../../shared/powertools/index.js';
import { aggregateLines, type OrderLine } from '../domain/lines.js';
import type { InventoryRepository } from '../ports/inventory.js';

type ReservationStatus = 'HELD' | 'COMMITTED' | 'RELEASED';

interface StoredReservation {
  readonly checkoutId: string;
  readonly lines: OrderLine[];
  readonly status: ReservationStatus;
  readonly updatedAt: string;
}

/**
 * Reservations (RESERVATIONS_TABLE_NAME, keyed by `checkoutId`) and the stock counters on the catalog's products
 * (CATALOG_TABLE_NAME), always changed together in one transaction so that `available + reserved` only moves when
 * an order takes stock off the shelf.
 */
export function dynamoInventory(): InventoryRepository {
  const client = dynamoDocumentClient();
  const catalogTable = () => requiredEnv(tableEnv('CATALOG'));
  const reservationsTable = () => requiredEnv(tableEnv('RESERVATIONS'));

  return {
    async reserve(checkoutId, lines) {
      const deltas = aggregateLines(lines);
      const now = new Date().toISOString();
      const reservation: StoredReservation = { checkoutId, lines: deltas, status: 'HELD', updatedAt: now };
      // Products first, reservation last: cancellation reasons come back in this order.
      const transactItems = [
        ...deltas.map((line) => ({
          Update: {
            TableName: catalogTable(),
            Key: { sku: line.sku },
            UpdateExpression: 'SET available = available - :q, reserved = reserved + :q',
            ConditionExpression: 'attribute_exists(sku) AND available >= :q',
            ExpressionAttributeValues: { ':q': line.quantity },
          },
        })),
        {
          Put: {
            TableName: reservationsTable(),
            Item: reservation,
            ConditionExpression: 'attribute_not_exists(checkoutId)',
          },
        },
      ];
      try {
        await client.send(new TransactWriteCommand({ TransactItems: transactItems }));
        return { kind: 'RESERVED' };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // The reservation exists: an earlier attempt of this step already took the stock.
        if (codes[deltas.length] === CONDITIONAL_CHECK_FAILED) return { kind: 'ALREADY_RESERVED' };
        const rejectedSkus = deltas.filter((_, index) => codes[index] === CONDITIONAL_CHECK_FAILED).map((l) => l.sku);
        if (rejectedSkus.length === 0) throw error;
        return { kind: 'REFUSED', rejectedSkus };
      }
    },

    async release(checkoutId) {
      const reservation = await getReservation(checkoutId);
      if (reservation?.status !== 'HELD') {
        logger.info('Nothing held to release', { checkoutId, status: reservation?.status ?? 'MISSING' });
        return 'NOTHING_HELD';
      }
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: reservationsTable(),
                  Key: { checkoutId },
                  UpdateExpression: 'SET #status = :released, updatedAt = :now',
                  ConditionExpression: '#status = :held',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':released': 'RELEASED',
                    ':held': 'HELD',
                    ':now': new Date().toISOString(),
                  },
                },
              },
              ...reservation.lines.map((line) => ({
                Update: {
                  TableName: catalogTable(),
                  Key: { sku: line.sku },
                  UpdateExpression: 'SET available = available + :q, reserved = reserved - :q',
                  ConditionExpression: 'attribute_exists(sku)',
                  ExpressionAttributeValues: { ':q': line.quantity },
                },
              })),
            ],
          }),
        );
        return 'RELEASED';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === CONDITIONAL_CHECK_FAILED) {
          // Released (or committed) by a concurrent attempt between the read and the write.
          logger.info('The reservation changed before it could be released', { checkoutId });
          return 'NOTHING_HELD';
        }
        throw error;
      }
    },
  };

  async function getReservation(checkoutId: string): Promise<StoredReservation | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: reservationsTable(), Key: { checkoutId }, ConsistentRead: true }),
    );
    return Item ? toReservation(Item) : undefined;
  }
}

function toReservation(item: Record<string, unknown>): StoredReservation {
  return {
    checkoutId: String(item.checkoutId),
    lines: ((item.lines ?? []) as Array<{ sku: unknown; quantity: unknown }>).map((line) => ({
      sku: String(line.sku),
      quantity: Number(line.quantity),
    })),
    status: item.status as ReservationStatus,
    updatedAt: String(item.updatedAt),
  };
}
