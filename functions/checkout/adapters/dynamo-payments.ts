import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionally, createOrFind } from '../../../shared/aws/conditional-writes.js';
import { CONDITIONAL_CHECK_FAILED, cancellationCodes } from '../../../shared/aws/dynamo-errors.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { NotFoundError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { paymentStatusFor } from '../domain/refunds.js';
import type { PaymentRepository, StoredPayment, StoredRefund } from '../ports/payments.js';

const paymentKey = (paymentId: string) => ({ pk: `PAYMENT#${paymentId}`, sk: 'PAYMENT' });
const refundKey = (paymentId: string, refundId: string) => ({ pk: `PAYMENT#${paymentId}`, sk: `REFUND#${refundId}` });

/**
 * Payments and their refunds (PAYMENTS_TABLE_NAME: `pk`, `sk`): a payment and its refunds share a partition.
 * Refunds also move the order's `refundedCents` (ORDERS_TABLE_NAME) in the same transaction.
 */
export function dynamoPayments(): PaymentRepository {
  const client = dynamoDocumentClient();
  const paymentsTable = () => requiredEnv(tableEnv('PAYMENTS'));
  const ordersTable = () => requiredEnv(tableEnv('ORDERS'));

  const getPayment = async (paymentId: string): Promise<StoredPayment | undefined> => {
    const { Item } = await client.send(
      new GetCommand({ TableName: paymentsTable(), Key: paymentKey(paymentId), ConsistentRead: true }),
    );
    return Item ? toPayment(Item) : undefined;
  };

  return {
    getPayment,

    async recordCapture(payment) {
      const stored: StoredPayment = {
        ...payment,
        refundedCents: 0,
        status: 'CAPTURED',
        createdAt: new Date().toISOString(),
      };
      const recorded = await createOrFind({
        tableName: paymentsTable(),
        key: 'pk',
        record: stored,
        item: { ...paymentKey(payment.paymentId), ...stored },
        find: () => getPayment(payment.paymentId),
      });
      if (!recorded.created) logger.info('The payment was already recorded', { paymentId: payment.paymentId });
      return recorded.record;
    },

    async getRefund(paymentId, refundId) {
      const { Item } = await client.send(
        new GetCommand({ TableName: paymentsTable(), Key: refundKey(paymentId, refundId), ConsistentRead: true }),
      );
      return Item ? toRefund(Item, paymentId) : undefined;
    },

    async recordRefund(refund) {
      const now = new Date().toISOString();
      const transactItems: NonNullable<TransactWriteCommand['input']['TransactItems']> = [
        {
          Update: {
            TableName: paymentsTable(),
            Key: paymentKey(refund.paymentId),
            UpdateExpression: 'SET refundedCents = refundedCents + :amount, #status = :status',
            // Never more than was paid, however many refunds race: each one's amount is in its own condition.
            ConditionExpression: 'attribute_exists(pk) AND refundedCents <= :maxBefore',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':amount': refund.amountCents,
              ':status': refund.statusAfter,
              ':maxBefore': refund.maxRefundedBefore,
            },
          },
        },
        {
          Put: {
            TableName: paymentsTable(),
            Item: {
              ...refundKey(refund.paymentId, refund.refundId),
              refundId: refund.refundId,
              paymentId: refund.paymentId,
              amountCents: refund.amountCents,
              reason: refund.reason,
              createdAt: now,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ];
      if (refund.order) {
        transactItems.push({
          Update: {
            TableName: ordersTable(),
            Key: { orderId: refund.order.orderId },
            UpdateExpression: 'SET refundedCents = refundedCents + :amount',
            ConditionExpression: refund.order.mustBePlaced
              ? 'attribute_exists(orderId) AND #status = :placed'
              : 'attribute_exists(orderId)',
            ...(refund.order.mustBePlaced
              ? {
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':amount': refund.amountCents, ':placed': 'PLACED' },
                }
              : { ExpressionAttributeValues: { ':amount': refund.amountCents } }),
          },
        });
      }
      try {
        await client.send(new TransactWriteCommand({ TransactItems: transactItems }));
        return 'RECORDED';
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        // The refund's own item first: if it exists, this very refund was recorded by an earlier attempt.
        if (codes[1] === CONDITIONAL_CHECK_FAILED) return 'ALREADY_RECORDED';
        if (codes[0] === CONDITIONAL_CHECK_FAILED) return 'EXCEEDS_BALANCE';
        if (codes[2] === CONDITIONAL_CHECK_FAILED) return 'ORDER_NOT_REFUNDABLE';
        throw error;
      }
    },

    async settleStatus(paymentId) {
      const payment = await getPayment(paymentId);
      if (!payment) throw new NotFoundError('Payment', paymentId);
      const settled = paymentStatusFor(payment);
      if (settled !== 'REFUNDED' || payment.status === 'REFUNDED') return payment;
      await conditionally(
        client.send(
          new UpdateCommand({
            TableName: paymentsTable(),
            Key: paymentKey(paymentId),
            UpdateExpression: 'SET #status = :refunded',
            ConditionExpression: 'refundedCents >= amountCents',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':refunded': 'REFUNDED' },
          }),
        ),
      );
      return { ...payment, status: 'REFUNDED' };
    },
  };
}

function toPayment(item: Record<string, unknown>): StoredPayment {
  return {
    paymentId: String(item.paymentId),
    checkoutId: String(item.checkoutId),
    customerId: String(item.customerId),
    tenantId: String(item.tenantId),
    amountCents: Number(item.amountCents),
    refundedCents: Number(item.refundedCents ?? 0),
    status: item.status as StoredPayment['status'],
    createdAt: String(item.createdAt),
  };
}

function toRefund(item: Record<string, unknown>, paymentId: string): StoredRefund {
  return {
    refundId: String(item.refundId),
    paymentId,
    amountCents: Number(item.amountCents),
    reason: String(item.reason ?? ''),
    createdAt: String(item.createdAt),
  };
}
