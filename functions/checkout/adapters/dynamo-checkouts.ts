/**
 * The Checkouts table: `{ checkoutId, customerId, tenantId, cartId, status, executionArn, totals?, orderId?,
 * failure?, createdAt, updatedAt }`, keyed by `checkoutId`. Every transition is a conditional write, so a repeated
 * saga step cannot move a checkout backwards.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { tableEnv } from '../../../shared/environment.js';
import { ConflictError, NotFoundError } from '../../../shared/errors.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import type { CheckoutRecord, Checkouts } from '../ports/checkouts.js';

export function dynamoCheckouts(): Checkouts {
  const tableName = () => requiredEnv(tableEnv('CHECKOUTS'));
  const client = () => dynamoDocumentClient();

  const find = async (checkoutId: string): Promise<CheckoutRecord | undefined> => {
    const { Item } = await client().send(
      // Consistent: a client polls GET /checkouts/{id} right after POST /checkouts answered.
      new GetCommand({ TableName: tableName(), Key: { checkoutId }, ConsistentRead: true }),
    );
    return Item as CheckoutRecord | undefined;
  };

  /** Runs a conditional write; when the condition fails, `whenRefused` decides from the current record. */
  const conditionally = async (
    write: () => Promise<unknown>,
    checkoutId: string,
    whenRefused: (current: CheckoutRecord | undefined) => void,
  ): Promise<void> => {
    try {
      await write();
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      whenRefused(await find(checkoutId));
    }
  };

  return {
    find,

    async createOrFind(checkout) {
      const record: CheckoutRecord = { ...checkout, status: 'RUNNING', updatedAt: checkout.createdAt };
      try {
        await client().send(
          new PutCommand({
            TableName: tableName(),
            Item: record,
            ConditionExpression: 'attribute_not_exists(checkoutId)',
          }),
        );
        return { record, created: true };
      } catch (error) {
        // Also what a retry of this very write meets when its first attempt was applied but its answer lost.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const existing = await find(checkout.checkoutId);
        if (!existing) throw error;
        return { record: existing, created: false };
      }
    },

    async attachExecution(checkoutId, executionArn, at) {
      await conditionally(
        () =>
          client().send(
            new UpdateCommand({
              TableName: tableName(),
              Key: { checkoutId },
              UpdateExpression: 'SET executionArn = :executionArn, updatedAt = :at',
              ConditionExpression: 'attribute_exists(checkoutId)',
              ExpressionAttributeValues: { ':executionArn': executionArn, ':at': at },
            }),
          ),
        checkoutId,
        () => {
          throw new NotFoundError('Checkout', checkoutId);
        },
      );
    },

    async complete(checkoutId, { orderId, totals }, at) {
      await conditionally(
        () =>
          client().send(
            new UpdateCommand({
              TableName: tableName(),
              Key: { checkoutId },
              UpdateExpression: 'SET #status = :completed, orderId = :orderId, totals = :totals, updatedAt = :at',
              ConditionExpression: '#status = :running',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':completed': 'COMPLETED',
                ':running': 'RUNNING',
                ':orderId': orderId,
                ':totals': totals,
                ':at': at,
              },
            }),
          ),
        checkoutId,
        (current) => {
          if (current?.status === 'COMPLETED') return;
          if (!current) throw new NotFoundError('Checkout', checkoutId);
          throw new ConflictError('CHECKOUT_NOT_RUNNING', `Checkout ${checkoutId} is ${current.status}, not RUNNING`);
        },
      );
    },

    async fail(checkoutId, { failure, totals }, at) {
      // A COMPLETED checkout may still fail: if the saga compensates after CompleteCheckout (its OrderPlaced event
      // could not be published), the order is cancelled and the payment refunded, so FAILED is the truth.
      await conditionally(
        () =>
          client().send(
            new UpdateCommand({
              TableName: tableName(),
              Key: { checkoutId },
              UpdateExpression: `SET #status = :failed, failure = :failure, updatedAt = :at${totals ? ', totals = :totals' : ''} REMOVE orderId`,
              ConditionExpression: 'attribute_exists(checkoutId) AND #status <> :failed',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':failed': 'FAILED',
                ':failure': { code: failure.code, message: failure.message },
                ':at': at,
                ...(totals ? { ':totals': totals } : {}),
              },
            }),
          ),
        checkoutId,
        (current) => {
          if (current?.status === 'FAILED') return;
          throw new NotFoundError('Checkout', checkoutId);
        },
      );
    },
  };
}
