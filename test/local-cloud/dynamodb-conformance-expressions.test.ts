/**
 * The local DynamoDB evaluates condition and update expressions, and refuses malformed ones, as the DynamoDB
 * documentation says. Each case names the page it comes from.
 */
import {
  type AttributeValue,
  type ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbFixture, SIMPLE_TABLE, startDynamoDbFixture } from './dynamodb-fixture.js';

const GUIDE = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide';
const API = 'https://docs.aws.amazon.com/amazondynamodb/latest/APIReference';
const CONDITIONS_DOC = `${GUIDE}/Expressions.OperatorsAndFunctions.html`;
const UPDATES_DOC = `${GUIDE}/Expressions.UpdateExpressions.html`;
const PUT_ITEM_DOC = `${API}/API_PutItem.html`;
const TRANSACT_DOC = `${API}/API_TransactWriteItems.html`;
const NAMES_DOC = `${GUIDE}/Expressions.ExpressionAttributeNames.html`;
const VALUES_DOC = `${GUIDE}/Expressions.ExpressionAttributeValues.html`;

const TABLE = 'expressions';

async function rejectionOf(promise: Promise<unknown>): Promise<Error & { name: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the request to be refused');
}

describe('local DynamoDB expressions conformance', () => {
  let fixture: DynamoDbFixture;
  let keys = 0;

  beforeAll(async () => {
    fixture = await startDynamoDbFixture();
    await fixture.dynamoDb.createTable(TABLE, SIMPLE_TABLE);
  });

  afterAll(async () => {
    await fixture.stop();
  });

  /** Writes a fresh item and returns its key. */
  async function itemWith(attributes: Record<string, AttributeValue>): Promise<Record<string, AttributeValue>> {
    keys += 1;
    const key = { pk: { S: `item-${keys}` } };
    await fixture.client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key, ...attributes } }));
    return key;
  }

  async function read(key: Record<string, AttributeValue>) {
    const { Item } = await fixture.client.send(
      new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  /** Whether a conditional update of the item passes its condition (false: ConditionalCheckFailedException). */
  async function conditionHolds(
    key: Record<string, AttributeValue>,
    condition: Pick<UpdateItemCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames'> & {
      ExpressionAttributeValues?: Record<string, AttributeValue>;
    },
  ): Promise<boolean> {
    try {
      await fixture.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: 'SET touched = :touched',
          ...condition,
          ExpressionAttributeValues: { ':touched': { BOOL: true }, ...condition.ExpressionAttributeValues },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  describe(`condition functions and comparisons (${CONDITIONS_DOC})`, () => {
    it('attribute_exists and attribute_not_exists test whether the item has the attribute', async () => {
      // Prepare
      const key = await itemWith({ status: { S: 'open' } });

      // Act
      const results = [
        await conditionHolds(key, {
          ConditionExpression: 'attribute_exists(#s)',
          ExpressionAttributeNames: { '#s': 'status' },
        }),
        await conditionHolds(key, { ConditionExpression: 'attribute_exists(absent)' }),
        await conditionHolds(key, { ConditionExpression: 'attribute_not_exists(absent)' }),
        await conditionHolds(key, {
          ConditionExpression: 'attribute_not_exists(#s)',
          ExpressionAttributeNames: { '#s': 'status' },
        }),
      ];

      // Assess
      expect(results).toEqual([true, false, true, false]);
    });

    it('attribute_not_exists on the partition key fails for an existing item and passes for a new one', async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const existing = await conditionHolds(key, { ConditionExpression: 'attribute_not_exists(pk)' });
      const fresh = await conditionHolds(
        { pk: { S: 'never-written' } },
        { ConditionExpression: 'attribute_not_exists(pk)' },
      );

      // Assess
      expect([existing, fresh]).toEqual([false, true]);
    });

    it('begins_with matches a string prefix and is false for a non-string attribute', async () => {
      // Prepare
      const key = await itemWith({ sku: { S: 'ABC-123' }, count: { N: '12' } });

      // Act
      const results = [
        await conditionHolds(key, {
          ConditionExpression: 'begins_with(sku, :p)',
          ExpressionAttributeValues: { ':p': { S: 'ABC' } },
        }),
        await conditionHolds(key, {
          ConditionExpression: 'begins_with(sku, :p)',
          ExpressionAttributeValues: { ':p': { S: 'XYZ' } },
        }),
        await conditionHolds(key, {
          ConditionExpression: 'begins_with(#c, :p)',
          ExpressionAttributeNames: { '#c': 'count' },
          ExpressionAttributeValues: { ':p': { S: '1' } },
        }),
      ];

      // Assess
      expect(results).toEqual([true, false, false]);
    });

    it('size is the length of a string, the number of elements of a list, map or set', async () => {
      // Prepare
      const key = await itemWith({
        name: { S: 'abcd' },
        steps: { L: [{ S: 'a' }, { S: 'b' }] },
        map: { M: { a: { N: '1' }, b: { N: '2' }, c: { N: '3' } } },
        tags: { SS: ['x'] },
      });

      // Act
      const holds = await conditionHolds(key, {
        ConditionExpression: 'size(#n) = :four AND size(steps) = :two AND size(#m) = :three AND size(tags) = :one',
        ExpressionAttributeNames: { '#n': 'name', '#m': 'map' },
        ExpressionAttributeValues: {
          ':four': { N: '4' },
          ':two': { N: '2' },
          ':three': { N: '3' },
          ':one': { N: '1' },
        },
      });

      // Assess
      expect(holds).toBe(true);
    });

    it('contains, attribute_type, BETWEEN and IN test what the page describes', async () => {
      // Prepare
      const key = await itemWith({ tags: { SS: ['red', 'blue'] }, title: { S: 'local cloud' }, price: { N: '15' } });

      // Act
      const results = [
        await conditionHolds(key, {
          ConditionExpression: 'contains(tags, :red) AND contains(title, :word)',
          ExpressionAttributeValues: { ':red': { S: 'red' }, ':word': { S: 'cloud' } },
        }),
        await conditionHolds(key, {
          ConditionExpression: 'attribute_type(tags, :ss) AND attribute_type(price, :n)',
          ExpressionAttributeValues: { ':ss': { S: 'SS' }, ':n': { S: 'N' } },
        }),
        await conditionHolds(key, {
          ConditionExpression: 'price BETWEEN :low AND :high',
          ExpressionAttributeValues: { ':low': { N: '10' }, ':high': { N: '15' } },
        }),
        await conditionHolds(key, {
          ConditionExpression: 'price IN (:a, :b)',
          ExpressionAttributeValues: { ':a': { N: '1' }, ':b': { N: '2' } },
        }),
      ];

      // Assess: BETWEEN includes its bounds.
      expect(results).toEqual([true, true, true, false]);
    });

    it('a comparison with a missing attribute is false, and NOT of it is true', async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const results = [
        await conditionHolds(key, {
          ConditionExpression: 'price > :zero',
          ExpressionAttributeValues: { ':zero': { N: '0' } },
        }),
        await conditionHolds(key, {
          ConditionExpression: 'price <= :zero',
          ExpressionAttributeValues: { ':zero': { N: '0' } },
        }),
        await conditionHolds(key, {
          ConditionExpression: 'NOT (price = :zero)',
          ExpressionAttributeValues: { ':zero': { N: '0' } },
        }),
      ];

      // Assess
      expect(results).toEqual([false, false, true]);
    });

    it('a comparison of values of different types is false', async () => {
      // Prepare
      const key = await itemWith({ price: { S: '10' } });

      // Act
      const holds = await conditionHolds(key, {
        ConditionExpression: 'price < :n',
        ExpressionAttributeValues: { ':n': { N: '100' } },
      });

      // Assess
      expect(holds).toBe(false);
    });
  });

  describe(`update expressions (${UPDATES_DOC})`, () => {
    async function update(
      key: Record<string, AttributeValue>,
      input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
    ) {
      await fixture.client.send(new UpdateItemCommand({ TableName: TABLE, Key: key, ...input }));
      return read(key);
    }

    it('SET adds and replaces attributes, with arithmetic on numbers', async () => {
      // Prepare
      const key = await itemWith({ price: { N: '10' }, colour: { S: 'red' } });

      // Act
      const item = await update(key, {
        UpdateExpression: 'SET price = price - :discount, colour = :blue, added = :yes',
        ExpressionAttributeValues: { ':discount': { N: '3' }, ':blue': { S: 'blue' }, ':yes': { BOOL: true } },
      });

      // Assess
      expect(item).toEqual({ ...key, price: { N: '7' }, colour: { S: 'blue' }, added: { BOOL: true } });
    });

    it('if_not_exists sets a value only when the attribute is missing', async () => {
      // Prepare
      const key = await itemWith({ kept: { N: '1' } });

      // Act
      const item = await update(key, {
        UpdateExpression: 'SET kept = if_not_exists(kept, :v), fresh = if_not_exists(fresh, :v)',
        ExpressionAttributeValues: { ':v': { N: '99' } },
      });

      // Assess
      expect(item).toEqual({ ...key, kept: { N: '1' }, fresh: { N: '99' } });
    });

    it('list_append concatenates lists in the order of its operands', async () => {
      // Prepare
      const key = await itemWith({ events: { L: [{ S: 'b' }] } });

      // Act
      const item = await update(key, {
        UpdateExpression: 'SET events = list_append(:before, events), later = list_append(events, :after)',
        ExpressionAttributeValues: { ':before': { L: [{ S: 'a' }] }, ':after': { L: [{ S: 'c' }] } },
      });

      // Assess: both operands are read before the update applies.
      expect(item?.events).toEqual({ L: [{ S: 'a' }, { S: 'b' }] });
      expect(item?.later).toEqual({ L: [{ S: 'b' }, { S: 'c' }] });
    });

    it('REMOVE deletes attributes and list elements, shifting the elements after them', async () => {
      // Prepare
      const key = await itemWith({ gone: { S: 'x' }, steps: { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] } });

      // Act
      const item = await update(key, { UpdateExpression: 'REMOVE gone, steps[0]' });

      // Assess
      expect(item).toEqual({ ...key, steps: { L: [{ S: 'b' }, { S: 'c' }] } });
    });

    it('ADD increments a number (from 0 when missing) and adds elements to a set', async () => {
      // Prepare
      const key = await itemWith({ count: { N: '5' }, tags: { SS: ['a'] } });

      // Act
      const item = await update(key, {
        UpdateExpression: 'ADD #c :three, fresh :three, tags :more',
        ExpressionAttributeNames: { '#c': 'count' },
        ExpressionAttributeValues: { ':three': { N: '3' }, ':more': { SS: ['a', 'b'] } },
      });

      // Assess
      expect(item?.count).toEqual({ N: '8' });
      expect(item?.fresh).toEqual({ N: '3' });
      expect(new Set(item?.tags?.SS)).toEqual(new Set(['a', 'b']));
    });

    it('DELETE removes elements from a set, and the attribute with its last element', async () => {
      // Prepare
      const key = await itemWith({ tags: { SS: ['a', 'b'] }, single: { NS: ['1'] } });

      // Act
      const item = await update(key, {
        UpdateExpression: 'DELETE tags :a, single :one',
        ExpressionAttributeValues: { ':a': { SS: ['a'] }, ':one': { NS: ['1'] } },
      });

      // Assess
      expect(item).toEqual({ ...key, tags: { SS: ['b'] } });
    });

    it('refuses ADD on a list: ADD supports numbers and sets only', async () => {
      // Prepare
      const key = await itemWith({ steps: { L: [{ S: 'a' }] } });

      // Act
      const error = await rejectionOf(
        update(key, {
          UpdateExpression: 'ADD steps :more',
          ExpressionAttributeValues: { ':more': { L: [{ S: 'b' }] } },
        }),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain(
        'Incorrect operand type for operator or function; operator: ADD, operand type: LIST',
      );
    });

    it(`refuses an update of a key attribute (${API}/API_UpdateItem.html)`, async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const error = await rejectionOf(
        update(key, { UpdateExpression: 'SET pk = :other', ExpressionAttributeValues: { ':other': { S: 'other' } } }),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe(
        'One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key',
      );
    });

    it('refuses an update expression that names one attribute twice', async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const error = await rejectionOf(
        update(key, { UpdateExpression: 'SET a = :v REMOVE a', ExpressionAttributeValues: { ':v': { N: '1' } } }),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain('Two document paths overlap');
    });
  });

  describe(`ReturnValuesOnConditionCheckFailure (${PUT_ITEM_DOC})`, () => {
    it('ALL_OLD returns the item as it was in the ConditionalCheckFailedException', async () => {
      // Prepare
      const key = await itemWith({ version: { N: '2' } });

      // Act
      const error = (await rejectionOf(
        fixture.client.send(
          new PutItemCommand({
            TableName: TABLE,
            Item: { ...key, version: { N: '3' } },
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': { N: '1' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      )) as ConditionalCheckFailedException;

      // Assess
      expect(error.name).toBe('ConditionalCheckFailedException');
      expect(error.Item).toEqual({ ...key, version: { N: '2' } });
      expect(await read(key)).toEqual({ ...key, version: { N: '2' } });
    });

    it('without it, the exception carries no item', async () => {
      // Prepare
      const key = await itemWith({ version: { N: '2' } });

      // Act
      const error = (await rejectionOf(
        fixture.client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET version = :next',
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': { N: '1' }, ':next': { N: '3' } },
          }),
        ),
      )) as ConditionalCheckFailedException;

      // Assess
      expect(error.name).toBe('ConditionalCheckFailedException');
      expect(error.Item).toBeUndefined();
    });
  });

  describe(`transaction cancellation reasons (${TRANSACT_DOC})`, () => {
    it('lists one reason per action in request order: None for those that passed, ConditionalCheckFailed with ALL_OLD', async () => {
      // Prepare
      const held = await itemWith({ stock: { N: '0' } });

      // Act
      const error = (await rejectionOf(
        fixture.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: { pk: { S: 'tx-new' } } } },
              {
                Update: {
                  TableName: TABLE,
                  Key: held,
                  UpdateExpression: 'SET stock = stock - :one',
                  ConditionExpression: 'stock >= :one',
                  ExpressionAttributeValues: { ':one': { N: '1' } },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                ConditionCheck: {
                  TableName: TABLE,
                  Key: { pk: { S: 'tx-absent' } },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
      )) as TransactionCanceledException;

      // Assess
      expect(error.name).toBe('TransactionCanceledException');
      expect(error.message).toBe(
        'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]',
      );
      expect(error.CancellationReasons).toEqual([
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { ...held, stock: { N: '0' } },
        },
        { Code: 'None' },
      ]);
      expect(await read({ pk: { S: 'tx-new' } })).toBeUndefined();
    });
    it('refuses a transaction with two actions on one item, before any condition is checked', async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const error = await rejectionOf(
        fixture.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: { ...key, n: { N: '1' } } } },
              { ConditionCheck: { TableName: TABLE, Key: key, ConditionExpression: 'attribute_exists(pk)' } },
            ],
          }),
        ),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('Transaction request cannot include multiple operations on one item');
    });
  });

  describe('validation errors', () => {
    it(`refuses a reserved word used as an attribute name without ExpressionAttributeNames (${NAMES_DOC})`, async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const error = await rejectionOf(
        fixture.client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET status = :s',
            ExpressionAttributeValues: { ':s': { S: 'open' } },
          }),
        ),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe(
        'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status',
      );
    });

    it(`refuses an ExpressionAttributeValues entry the expressions do not use (${VALUES_DOC})`, async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const error = await rejectionOf(
        fixture.client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET a = :a',
            ExpressionAttributeValues: { ':a': { N: '1' }, ':unused': { N: '2' } },
          }),
        ),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}');
    });

    it(`refuses an ExpressionAttributeNames entry the expressions do not use (${NAMES_DOC})`, async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const error = await rejectionOf(
        fixture.client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: key,
            UpdateExpression: 'SET a = :a',
            ExpressionAttributeNames: { '#unused': 'b' },
            ExpressionAttributeValues: { ':a': { N: '1' } },
          }),
        ),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe('Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}');
    });

    it(`refuses a value placeholder that ExpressionAttributeValues does not define (${VALUES_DOC})`, async () => {
      // Prepare
      const key = await itemWith({});

      // Act
      const error = await rejectionOf(
        fixture.client.send(
          new UpdateItemCommand({ TableName: TABLE, Key: key, UpdateExpression: 'SET a = :missing' }),
        ),
      );

      // Assess
      expect(error.name).toBe('ValidationException');
      expect(error.message).toBe(
        'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :missing',
      );
    });
  });
});
