import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactGetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DynamoDbFixture, SIMPLE_TABLE, startDynamoDbFixture } from './dynamodb-fixture.js';

const STOCK_TABLE = 'stock';

function reserve(sku: string, quantity: number) {
  return {
    Update: {
      TableName: STOCK_TABLE,
      Key: { pk: sku },
      UpdateExpression: 'SET available = available - :q',
      ConditionExpression: 'available >= :q',
      ExpressionAttributeValues: { ':q': quantity },
    },
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('local DynamoDB TransactWriteItems / TransactGetItems', () => {
  let fixture: DynamoDbFixture;

  beforeEach(async () => {
    fixture = await startDynamoDbFixture();
    await fixture.dynamoDb.createTable(STOCK_TABLE, SIMPLE_TABLE);
    for (const [sku, available] of [
      ['sku-a', 10],
      ['sku-b', 1],
      ['sku-c', 0],
    ] as const) {
      await fixture.documentClient.send(new PutCommand({ TableName: STOCK_TABLE, Item: { pk: sku, available } }));
    }
  });

  afterEach(async () => {
    await fixture.stop();
  });

  async function availableOf(sku: string): Promise<unknown> {
    const { Item } = await fixture.documentClient.send(
      new GetCommand({ TableName: STOCK_TABLE, Key: { pk: sku }, ConsistentRead: true }),
    );
    return Item?.available;
  }

  it('cancels the whole transaction and names every failing action in order', async () => {
    // Prepare
    const transaction = new TransactWriteCommand({
      TransactItems: [reserve('sku-a', 2), reserve('sku-b', 3), reserve('sku-c', 1)],
    });

    // Act
    const error = await rejectionOf(fixture.documentClient.send(transaction));

    // Assess
    expect(error).toBeInstanceOf(TransactionCanceledException);
    const cancelled = error as TransactionCanceledException;
    expect(cancelled.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons ' +
        '[None, ConditionalCheckFailed, ConditionalCheckFailed]',
    );
    expect(cancelled.CancellationReasons?.map((reason) => reason.Code)).toEqual([
      'None',
      'ConditionalCheckFailed',
      'ConditionalCheckFailed',
    ]);
    expect(await availableOf('sku-a')).toBe(10);
    expect(await availableOf('sku-b')).toBe(1);
    expect(await availableOf('sku-c')).toBe(0);
  });

  it('applies every action of a transaction whose conditions all hold', async () => {
    // Prepare
    const transaction = new TransactWriteCommand({
      TransactItems: [
        reserve('sku-a', 4),
        reserve('sku-b', 1),
        {
          Put: {
            TableName: STOCK_TABLE,
            Item: { pk: 'sku-d', available: 7 },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        { Delete: { TableName: STOCK_TABLE, Key: { pk: 'sku-c' } } },
        {
          ConditionCheck: {
            TableName: STOCK_TABLE,
            Key: { pk: 'sku-e' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    });

    // Act
    await fixture.documentClient.send(transaction);

    // Assess
    expect(await availableOf('sku-a')).toBe(6);
    expect(await availableOf('sku-b')).toBe(0);
    expect(await availableOf('sku-d')).toBe(7);
    const { Item: deleted } = await fixture.documentClient.send(
      new GetCommand({ TableName: STOCK_TABLE, Key: { pk: 'sku-c' } }),
    );
    expect(deleted).toBeUndefined();
    const { Item: checkedOnly } = await fixture.documentClient.send(
      new GetCommand({ TableName: STOCK_TABLE, Key: { pk: 'sku-e' } }),
    );
    expect(checkedOnly).toBeUndefined();
  });

  it('undoes puts of new items and reports the old image when asked to', async () => {
    // Prepare
    const transaction = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: STOCK_TABLE, Item: { pk: 'sku-new', available: 3 } } },
        {
          ConditionCheck: {
            TableName: STOCK_TABLE,
            Key: { pk: 'sku-b' },
            ConditionExpression: 'available > :zero',
            ExpressionAttributeValues: { ':zero': 5 },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    });

    // Act
    const error = (await rejectionOf(fixture.documentClient.send(transaction))) as TransactionCanceledException;

    // Assess
    expect(error.CancellationReasons?.[0]).toEqual({ Code: 'None' });
    expect(error.CancellationReasons?.[1]?.Code).toBe('ConditionalCheckFailed');
    expect(error.CancellationReasons?.[1]?.Item).toEqual({ pk: { S: 'sku-b' }, available: { N: '1' } });
    const { Item: rolledBack } = await fixture.documentClient.send(
      new GetCommand({ TableName: STOCK_TABLE, Key: { pk: 'sku-new' } }),
    );
    expect(rolledBack).toBeUndefined();
  });

  it('refuses two actions on the same item like AWS', async () => {
    // Prepare
    const transaction = new TransactWriteCommand({ TransactItems: [reserve('sku-a', 1), reserve('sku-a', 1)] });

    // Act
    const error = (await rejectionOf(fixture.documentClient.send(transaction))) as Error;

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Transaction request cannot include multiple operations on one item');
    expect(await availableOf('sku-a')).toBe(10);
  });

  /** Sends until the answer is final: success, or a cancellation that is not a conflict (retried as the app does). */
  async function settled(transaction: () => TransactWriteCommand): Promise<{ conflicts: number; outcome: unknown }> {
    for (let conflicts = 0; ; conflicts++) {
      try {
        await fixture.documentClient.send(transaction());
        return { conflicts, outcome: 'applied' };
      } catch (error) {
        const codes = ((error as TransactionCanceledException).CancellationReasons ?? []).map((reason) => reason.Code);
        if (!codes.includes('TransactionConflict')) return { conflicts, outcome: error };
      }
    }
  }

  it('lets exactly as many concurrent reservations succeed as there is stock, the others conflict or are refused', async () => {
    // Prepare
    await fixture.documentClient.send(
      new PutCommand({ TableName: STOCK_TABLE, Item: { pk: 'sku-hot', available: 5 } }),
    );
    const attempts = Array.from({ length: 20 }, () =>
      settled(() => new TransactWriteCommand({ TransactItems: [reserve('sku-hot', 1)] })),
    );

    // Act
    const results = await Promise.all(attempts);

    // Assess: concurrent transactions on one item conflict (as on DynamoDB), and retried they settle exactly.
    expect(results.filter((result) => result.outcome === 'applied')).toHaveLength(5);
    const refused = results.filter((result) => result.outcome !== 'applied');
    expect(refused).toHaveLength(15);
    for (const { outcome } of refused) {
      expect(outcome).toBeInstanceOf(TransactionCanceledException);
      expect((outcome as TransactionCanceledException).CancellationReasons?.[0]?.Code).toBe('ConditionalCheckFailed');
    }
    expect(results.some((result) => result.conflicts > 0)).toBe(true);
    expect(await availableOf('sku-hot')).toBe(0);
  });

  it('keeps multi-item transactions atomic under concurrency', async () => {
    // Prepare
    await fixture.documentClient.send(new PutCommand({ TableName: STOCK_TABLE, Item: { pk: 'sku-x', available: 5 } }));
    await fixture.documentClient.send(new PutCommand({ TableName: STOCK_TABLE, Item: { pk: 'sku-y', available: 10 } }));
    const attempts = Array.from({ length: 20 }, () =>
      settled(() => new TransactWriteCommand({ TransactItems: [reserve('sku-y', 1), reserve('sku-x', 1)] })),
    );

    // Act
    const results = await Promise.all(attempts);

    // Assess
    expect(results.filter((result) => result.outcome === 'applied')).toHaveLength(5);
    expect(await availableOf('sku-x')).toBe(0);
    expect(await availableOf('sku-y')).toBe(5);
  });

  it('orders transactions and single writes on one item: conflicts are refused whole, and retried nothing is lost', async () => {
    // Prepare: 15 transactions and 15 single writes, all incrementing one counter at once.
    await fixture.documentClient.send(new PutCommand({ TableName: STOCK_TABLE, Item: { pk: 'counter', n: 0 } }));
    const increment = {
      TableName: STOCK_TABLE,
      Key: { pk: 'counter' },
      UpdateExpression: 'SET n = n + :one',
      ExpressionAttributeValues: { ':one': 1 },
    };
    const errors: string[] = [];
    const untilApplied = async (send: () => Promise<unknown>) => {
      for (;;) {
        try {
          return await send();
        } catch (error) {
          const reasons = (error as TransactionCanceledException).CancellationReasons ?? [];
          errors.push(reasons.length > 0 ? `cancelled: ${reasons.map((r) => r.Code).join()}` : (error as Error).name);
        }
      }
    };

    // Act
    await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        untilApplied(() =>
          index % 2 === 0
            ? fixture.documentClient.send(new TransactWriteCommand({ TransactItems: [{ Update: increment }] }))
            : fixture.documentClient.send(new UpdateCommand(increment)),
        ),
      ),
    );

    // Assess: every refusal was a conflict (never a partial write), and every increment landed exactly once.
    const { Item } = await fixture.documentClient.send(
      new GetCommand({ TableName: STOCK_TABLE, Key: { pk: 'counter' }, ConsistentRead: true }),
    );
    expect(Item?.n).toBe(30);
    expect(
      errors.every((error) => error === 'TransactionConflictException' || error === 'cancelled: TransactionConflict'),
    ).toBe(true);
  });

  it('applies a transaction once per client token and refuses the token for a different request', async () => {
    // Prepare
    const token = 'checkout-42';
    const send = (quantity: number) =>
      fixture.documentClient.send(
        new TransactWriteCommand({ ClientRequestToken: token, TransactItems: [reserve('sku-a', quantity)] }),
      );

    // Act
    await send(3);
    await send(3);
    const mismatch = (await rejectionOf(send(4))) as Error;

    // Assess
    expect(await availableOf('sku-a')).toBe(7);
    expect(mismatch.name).toBe('IdempotentParameterMismatchException');
  });

  it('reads several items in one consistent TransactGetItems', async () => {
    // Prepare
    const read = new TransactGetCommand({
      TransactItems: [
        { Get: { TableName: STOCK_TABLE, Key: { pk: 'sku-a' } } },
        { Get: { TableName: STOCK_TABLE, Key: { pk: 'sku-missing' } } },
        { Get: { TableName: STOCK_TABLE, Key: { pk: 'sku-b' }, ProjectionExpression: 'available' } },
      ],
    });

    // Act
    const { Responses } = await fixture.documentClient.send(read);

    // Assess
    expect(Responses).toEqual([{ Item: { pk: 'sku-a', available: 10 } }, {}, { Item: { available: 1 } }]);
  });
});
