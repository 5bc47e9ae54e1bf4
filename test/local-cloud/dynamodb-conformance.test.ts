/**
 * The local DynamoDB answers as the AWS API reference says: each case names the page it comes from
 * (https://docs.aws.amazon.com/amazondynamodb/latest/...).
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  type TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbFixture, SIMPLE_TABLE, startDynamoDbFixture } from './dynamodb-fixture.js';

const TABLE = 'conformance';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`;
const OTHER_ACCOUNT_ARN = `arn:aws:dynamodb:us-east-1:111122223333:table/${TABLE}`;

async function rejectionOf(promise: Promise<unknown>): Promise<Error & { name: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the request to be refused');
}

describe('local DynamoDB conformance', () => {
  let fixture: DynamoDbFixture;

  beforeAll(async () => {
    fixture = await startDynamoDbFixture();
    await fixture.dynamoDb.createTable(TABLE, SIMPLE_TABLE);
  });

  afterAll(async () => {
    await fixture.stop();
  });

  describe('a table ARN as TableName (developerguide/rbac-iam-actions.html: table name overloading)', () => {
    it('accepts the ARN in PutItem, GetItem, UpdateItem, Query, Scan, DeleteItem and DescribeTable', async () => {
      // Act
      await fixture.client.send(new PutItemCommand({ TableName: TABLE_ARN, Item: { pk: { S: 'arn-1' } } }));
      await fixture.client.send(
        new UpdateItemCommand({
          TableName: TABLE_ARN,
          Key: { pk: { S: 'arn-1' } },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': { N: '7' } },
        }),
      );
      const { Item } = await fixture.client.send(
        new GetItemCommand({ TableName: TABLE_ARN, Key: { pk: { S: 'arn-1' } }, ConsistentRead: true }),
      );
      const query = await fixture.client.send(
        new QueryCommand({
          TableName: TABLE_ARN,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'arn-1' } },
        }),
      );
      const scan = await fixture.client.send(new ScanCommand({ TableName: TABLE_ARN }));
      const { Table } = await fixture.client.send(new DescribeTableCommand({ TableName: TABLE_ARN }));
      await fixture.client.send(new DeleteItemCommand({ TableName: TABLE_ARN, Key: { pk: { S: 'arn-1' } } }));
      const after = await fixture.client.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'arn-1' } }, ConsistentRead: true }),
      );

      // Assess
      expect(Item).toEqual({ pk: { S: 'arn-1' }, n: { N: '7' } });
      expect(query.Items).toEqual([Item]);
      expect(scan.Items).toContainEqual(Item);
      expect(Table?.TableName).toBe(TABLE);
      expect(after.Item).toBeUndefined();
    });

    it('accepts ARNs as RequestItems keys of BatchWriteItem and BatchGetItem, and answers by the key sent', async () => {
      // Act
      const written = await fixture.client.send(
        new BatchWriteItemCommand({
          RequestItems: { [TABLE_ARN]: [{ PutRequest: { Item: { pk: { S: 'batch-1' } } } }] },
        }),
      );
      const read = await fixture.client.send(
        new BatchGetItemCommand({ RequestItems: { [TABLE_ARN]: { Keys: [{ pk: { S: 'batch-1' } }] } } }),
      );

      // Assess: API_BatchGetItem.html, Responses: "A map of table name or table ARN to a list of items".
      expect(written.UnprocessedItems).toEqual({});
      expect(read.Responses).toEqual({ [TABLE_ARN]: [{ pk: { S: 'batch-1' } }] });
    });

    it('accepts the ARN in TransactWriteItems and TransactGetItems items', async () => {
      // Act
      await fixture.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: TABLE_ARN, Item: { pk: { S: 'tx-1' } } } },
            {
              ConditionCheck: {
                TableName: TABLE_ARN,
                Key: { pk: { S: 'tx-2' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      const { Responses } = await fixture.client.send(
        new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: TABLE_ARN, Key: { pk: { S: 'tx-1' } } } }] }),
      );

      // Assess
      expect(Responses).toEqual([{ Item: { pk: { S: 'tx-1' } } }]);
    });

    it("refuses another account's table ARN with AccessDeniedException", async () => {
      // Act
      const error = await rejectionOf(
        fixture.client.send(new GetItemCommand({ TableName: OTHER_ACCOUNT_ARN, Key: { pk: { S: 'x' } } })),
      );

      // Assess: developerguide/rbac-cross-account-access.html: without a resource-based policy, access is denied.
      expect(error.name).toBe('AccessDeniedException');
      expect(error.message).toBe(
        `User: arn:aws:iam::000000000000:root is not authorized to perform: dynamodb:GetItem on resource: ${OTHER_ACCOUNT_ARN} ` +
          'because no resource-based policy allows the dynamodb:GetItem action',
      );
    });
  });

  describe('TransactWriteItems cancellation reasons (APIReference/API_TransactWriteItems.html)', () => {
    it('cancels a transaction whose Put item is over 400 KB with a ValidationError reason for that item', async () => {
      // Act
      const error = (await rejectionOf(
        fixture.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: { pk: { S: 'small' } } } },
              { Put: { TableName: TABLE, Item: { pk: { S: 'large' }, blob: { S: 'x'.repeat(410 * 1024) } } } },
            ],
          }),
        ),
      )) as TransactionCanceledException;
      const { Item } = await fixture.client.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'small' } }, ConsistentRead: true }),
      );

      // Assess: "An item size becomes too large (larger than 400 KB) ..." cancels the transaction.
      expect(error.name).toBe('TransactionCanceledException');
      expect(error.message).toBe(
        'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ValidationError]',
      );
      expect(error.CancellationReasons).toEqual([
        { Code: 'None' },
        { Code: 'ValidationError', Message: 'Item size has exceeded the maximum allowed size' },
      ]);
      expect(Item).toBeUndefined();
    });

    it('cancels a transaction whose update has an operand of the wrong type with a ValidationError reason', async () => {
      // Prepare
      await fixture.client.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'typed' }, s: { S: 'a' } } }));

      // Act
      const error = (await rejectionOf(
        fixture.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TABLE,
                  Key: { pk: { S: 'typed' } },
                  UpdateExpression: 'SET s = s + :one',
                  ExpressionAttributeValues: { ':one': { N: '1' } },
                },
              },
            ],
          }),
        ),
      )) as TransactionCanceledException;

      // Assess
      expect(error.name).toBe('TransactionCanceledException');
      expect(error.CancellationReasons).toEqual([
        { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' },
      ]);
    });

    it('refuses an action without TableName with the model validation wording', async () => {
      // Act
      const error = await rejectionOf(
        fixture.dynamoDb.call('TransactWriteItems', {
          TransactItems: [{ Put: { TableName: TABLE, Item: { pk: { S: 'a' } } } }, { Delete: { Key: {} } }],
        }),
      );

      // Assess: developerguide/Programming.Errors.html (ValidationException), member paths are 1-based.
      expect(error.message).toBe(
        "1 validation error detected: Value null at 'transactItems.2.member.delete.tableName' failed to satisfy " +
          'constraint: Member must not be null',
      );
    });
  });

  describe('transaction conflicts (developerguide/transaction-apis.html#transaction-conflict-handling)', () => {
    const CONFLICTS_DOC = 'developerguide/transaction-apis.html#transaction-conflict-handling';
    const ROUNDS = 20;

    /** An update of `pk` that adds one to `n`: the same request as a transaction action or a single write. */
    const increment = (pk: string) => ({
      TableName: TABLE,
      Key: { pk: { S: pk } },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': { N: '1' } },
    });

    /**
     * Conflicts need two requests in flight on one item at once; rounds of concurrent requests meet that within a few
     * rounds. Returns the first refusal `pick` keeps, or fails after `ROUNDS` rounds without one.
     */
    async function firstRefusal<T>(
      round: (index: number) => Promise<unknown>[],
      pick: (error: unknown) => error is T,
    ): Promise<T> {
      for (let index = 0; index < ROUNDS; index++) {
        const settled = await Promise.allSettled(round(index));
        for (const outcome of settled) if (outcome.status === 'rejected' && pick(outcome.reason)) return outcome.reason;
      }
      throw new Error(`no such refusal in ${ROUNDS} rounds of concurrent requests`);
    }

    const isConflictCancellation = (error: unknown): error is TransactionCanceledException =>
      (error as Error).name === 'TransactionCanceledException' &&
      ((error as TransactionCanceledException).CancellationReasons ?? []).some(
        (reason) => reason.Code === 'TransactionConflict',
      );

    it(`cancels a transaction meeting another on one item: TransactionConflict for that action, None for the rest (${CONFLICTS_DOC})`, async () => {
      // Act: each transaction touches the shared item and one of its own, in that order.
      const cancelled = await firstRefusal(
        (round) =>
          Array.from({ length: 8 }, (_, index) =>
            fixture.client.send(
              new TransactWriteItemsCommand({
                TransactItems: [
                  { Update: increment('conflict-shared') },
                  { Update: increment(`own-${round}-${index}`) },
                ],
              }),
            ),
          ),
        isConflictCancellation,
      );

      // Assess: "An item within a TransactWriteItems request is part of another ongoing TransactWriteItems request".
      expect(cancelled.CancellationReasons?.map((reason) => reason.Code)).toEqual(['TransactionConflict', 'None']);
      expect(cancelled.message).toBe(
        'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
      );
    });

    /** A transaction over many items: it reads them all, then holds them all while it applies them one by one. */
    const wideTransaction = (prefix: string) =>
      new TransactWriteItemsCommand({
        TransactItems: Array.from({ length: 100 }, (_, index) => ({ Update: increment(`${prefix}-${index}`) })),
      });

    /**
     * Runs the wide transaction while `write` targets its last item once, at a moment swept across the transaction's
     * duration: a write while it reads cancels it (the case above), one while it applies meets the held item. Resolves
     * with the first outcome `meets` recognises.
     */
    async function writeDuringTransaction<T>(
      prefix: string,
      write: (item: string) => Promise<unknown>,
      meets: (outcome: PromiseSettledResult<unknown>) => T | undefined,
    ): Promise<T> {
      const started = Date.now();
      await fixture.client.send(wideTransaction(`${prefix}-timed`));
      const duration = Date.now() - started;
      for (let round = 0; round < 60; round++) {
        const delayMs = Math.round(duration * (0.3 + (round % 15) * 0.05));
        const [, outcome] = await Promise.allSettled([
          fixture.client.send(wideTransaction(`${prefix}-${round}`)),
          new Promise((resolve, reject) =>
            setTimeout(() => write(`${prefix}-${round}-99`).then(resolve, reject), delayMs),
          ),
        ]);
        const met = outcome && meets(outcome);
        if (met !== undefined) return met;
      }
      throw new Error('no write met the transaction while it applied');
    }

    it(`refuses a single write to an item an ongoing transaction holds with TransactionConflictException (${CONFLICTS_DOC})`, async () => {
      // Act
      const refused = await writeDuringTransaction(
        'held',
        (item) => fixture.client.send(new UpdateItemCommand(increment(item))),
        (outcome) =>
          outcome.status === 'rejected' && (outcome.reason as Error).name === 'TransactionConflictException'
            ? (outcome.reason as Error)
            : undefined,
      );

      // Assess: "A PutItem, UpdateItem, or DeleteItem request for an item conflicts with an ongoing
      // TransactWriteItems request that includes the same item."
      expect(refused.message).toBe('Transaction is ongoing for the item');
    });

    it(`leaves a batch write to an item an ongoing transaction holds in UnprocessedItems (${CONFLICTS_DOC})`, async () => {
      // Prepare
      const putOf = (item: string) => ({ PutRequest: { Item: { pk: { S: item }, n: { N: '0' } } } });

      // Act: "a BatchWriteItem request for an item conflicts with an ongoing TransactWriteItems request", and DynamoDB
      // returns that request unprocessed instead of failing the batch.
      const { item, unprocessed } = await writeDuringTransaction(
        'batched',
        async (target) => ({
          item: target,
          response: await fixture.client.send(
            new BatchWriteItemCommand({ RequestItems: { [TABLE]: [putOf(target)] } }),
          ),
        }),
        (outcome) => {
          if (outcome.status !== 'fulfilled') return undefined;
          const { item: target, response } = outcome.value as {
            item: string;
            response: { UnprocessedItems?: Record<string, unknown[]> };
          };
          const left = response.UnprocessedItems?.[TABLE] ?? [];
          return left.length > 0 ? { item: target, unprocessed: left } : undefined;
        },
      );

      // Assess
      expect(unprocessed).toEqual([putOf(item)]);
    });

    it(`cancels a TransactGetItems that meets a write in progress on its items with TransactionConflict (${CONFLICTS_DOC})`, async () => {
      // Act
      const cancelled = await firstRefusal(
        () => [
          ...Array.from({ length: 4 }, () =>
            fixture.client.send(new UpdateItemCommand(increment('read-while-written'))),
          ),
          ...Array.from({ length: 4 }, () =>
            fixture.client.send(
              new TransactGetItemsCommand({
                TransactItems: [
                  { Get: { TableName: TABLE, Key: { pk: { S: 'read-while-written' } } } },
                  { Get: { TableName: TABLE, Key: { pk: { S: 'read-alone' } } } },
                ],
              }),
            ),
          ),
        ],
        isConflictCancellation,
      );

      // Assess: the reasons name the item being written.
      expect(cancelled.CancellationReasons?.map((reason) => reason.Code)).toEqual(['TransactionConflict', 'None']);
    });

    it('refuses a repeat of a client token whose transaction is still running with TransactionInProgressException (APIReference/API_TransactWriteItems.html)', async () => {
      // Act: the same request, token included, sent twice at once.
      const refused = await firstRefusal(
        (round) => {
          const request = () =>
            fixture.client.send(
              new TransactWriteItemsCommand({
                ClientRequestToken: `token-${round}`,
                TransactItems: [{ Update: increment(`token-item-${round}`) }],
              }),
            );
          return [request(), request()];
        },
        (error): error is Error => (error as Error).name === 'TransactionInProgressException',
      );

      // Assess
      expect(refused.name).toBe('TransactionInProgressException');
    });
  });

  describe('tables (APIReference/API_CreateTable.html, API_TableDescription.html)', () => {
    it('refuses to create an existing table with ResourceInUseException naming it', async () => {
      // Act
      const error = await rejectionOf(
        fixture.client.send(new CreateTableCommand({ TableName: TABLE, ...SIMPLE_TABLE })),
      );

      // Assess
      expect(error.name).toBe('ResourceInUseException');
      expect(error.message).toBe(`Table already exists: ${TABLE}`);
    });

    it('describes a table with DeletionProtectionEnabled and WarmThroughput, and no member AWS does not send', async () => {
      // Act
      const { Table } = await fixture.client.send(new DescribeTableCommand({ TableName: TABLE }));

      // Assess: on-demand tables start with 12,000 read and 4,000 write units per second (developerguide/pre-warming-on-demand-capacity-mode.html).
      expect(Table?.DeletionProtectionEnabled).toBe(false);
      expect(Table?.WarmThroughput).toEqual({ ReadUnitsPerSecond: 12000, WriteUnitsPerSecond: 4000, Status: 'ACTIVE' });
      expect(Object.keys(Table ?? {})).not.toContain('TableThroughputModeSummary');
    });
  });
});
