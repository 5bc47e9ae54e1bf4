/**
 * The Checkouts table: `{ checkoutId, customerId, tenantId, cartId, paymentToken?, taxLocation?, personalData?,
 * status, executionArn, totals?, orderId?, failure?, createdAt, updatedAt }`, keyed by `checkoutId`. Every transition
 * is a conditional write, so a repeated saga step cannot move a checkout backwards. The payment token and the address
 * are kept here rather than in the saga's state (ADR 0029); the token only until the checkout settles, the address
 * sealed but for its tax location (`personalData`, ADR 0040).
 */
import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { conditionally, createOrFind } from '../../../shared/aws/conditional-writes.js';
import { dynamoDocumentClient } from '../../../shared/aws/dynamodb-client.js';
import { requiredEnv, tableEnv } from '../../../shared/environment.js';
import { ConflictError, NotFoundError } from '../../../shared/errors.js';
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

  /** Updates the checkout if the update's condition holds; when not, `whenRefused` decides from the current record. */
  const updateIf = async (
    checkoutId: string,
    update: Omit<UpdateCommandInput, 'TableName' | 'Key'>,
    whenRefused: (current: CheckoutRecord | undefined) => void,
  ): Promise<void> => {
    const applied = await conditionally(
      client().send(new UpdateCommand({ TableName: tableName(), Key: { checkoutId }, ...update })),
    );
    if (!applied) whenRefused(await find(checkoutId));
  };

  return {
    find,

    async createOrFind(checkout) {
      const record: CheckoutRecord = { ...checkout, status: 'RUNNING', updatedAt: checkout.createdAt };
      // Found, too, by a retry of this very write whose first attempt was applied but whose answer was lost.
      return createOrFind({ tableName: tableName(), key: 'checkoutId', record, find: () => find(checkout.checkoutId) });
    },

    attachExecution: async (checkoutId, executionArn, at) =>
      updateIf(
        checkoutId,
        {
          UpdateExpression: 'SET executionArn = :executionArn, updatedAt = :at',
          ConditionExpression: 'attribute_exists(checkoutId)',
          ExpressionAttributeValues: { ':executionArn': executionArn, ':at': at },
        },
        () => {
          throw new NotFoundError('Checkout', checkoutId);
        },
      ),

    complete: async (checkoutId, { orderId, totals }, at) =>
      updateIf(
        checkoutId,
        {
          // Charged: the token has served its one purpose, so it is not kept.
          UpdateExpression:
            'SET #status = :completed, orderId = :orderId, totals = :totals, updatedAt = :at REMOVE paymentToken',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':completed': 'COMPLETED',
            ':running': 'RUNNING',
            ':orderId': orderId,
            ':totals': totals,
            ':at': at,
          },
        },
        (current) => {
          if (current?.status === 'COMPLETED') return;
          if (!current) throw new NotFoundError('Checkout', checkoutId);
          throw new ConflictError('CHECKOUT_NOT_RUNNING', `Checkout ${checkoutId} is ${current.status}, not RUNNING`);
        },
      ),

    // A COMPLETED checkout may still fail: if the saga compensates after CompleteCheckout (its OrderPlaced event
    // could not be published), the order is cancelled and the payment refunded, so FAILED is the truth.
    fail: async (checkoutId, { failure, totals }, at) =>
      updateIf(
        checkoutId,
        {
          UpdateExpression: `SET #status = :failed, failure = :failure, updatedAt = :at${totals ? ', totals = :totals' : ''} REMOVE orderId, paymentToken`,
          ConditionExpression: 'attribute_exists(checkoutId) AND #status <> :failed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'FAILED',
            ':failure': { code: failure.code, message: failure.message },
            ':at': at,
            ...(totals ? { ':totals': totals } : {}),
          },
        },
        (current) => {
          if (current?.status === 'FAILED') return;
          throw new NotFoundError('Checkout', checkoutId);
        },
      ),
  };
}
