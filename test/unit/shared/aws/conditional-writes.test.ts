import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { conditionally, createOrFind, createUnlessExists } from '../../../../shared/aws/conditional-writes.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const refused = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
/** Another SDK copy's error: recognised by its name, not its class. */
const refusedByAnotherCopy = () =>
  Object.assign(new Error('The conditional request failed'), {
    name: 'ConditionalCheckFailedException',
  });
const THING = { thingId: 't-1', colour: 'blue' };

beforeEach(() => {
  dynamo.reset();
});

describe('conditionally', () => {
  it('answers true for a write that was applied', async () => {
    // Act
    const applied = await conditionally(Promise.resolve({}));

    // Assess
    expect(applied).toBe(true);
  });

  it('answers false for a write its condition refused, whichever SDK copy threw', async () => {
    // Act
    const answers = [
      await conditionally(Promise.reject(refused())),
      await conditionally(Promise.reject(refusedByAnotherCopy())),
    ];

    // Assess
    expect(answers).toEqual([false, false]);
  });

  it('rethrows any other error', async () => {
    // Act
    const attempt = conditionally(Promise.reject(new Error('throttled')));

    // Assess
    await expect(attempt).rejects.toThrow('throttled');
  });
});

describe('createUnlessExists', () => {
  it('puts the item on the condition that its key does not exist', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const created = await createUnlessExists({ tableName: 'things', key: 'thingId', item: THING });

    // Assess
    expect(created).toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'things',
      Item: THING,
      ConditionExpression: 'attribute_not_exists(thingId)',
    });
  });

  it('answers false when an item with that key exists', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(refused());

    // Act
    const created = await createUnlessExists({ tableName: 'things', key: 'thingId', item: THING });

    // Assess
    expect(created).toBe(false);
  });
});

describe('createOrFind', () => {
  it('answers the record it created, writing `item` when it is given', async () => {
    // Prepare
    dynamo.on(PutCommand).resolves({});

    // Act
    const result = await createOrFind({
      tableName: 'things',
      key: 'pk',
      record: THING,
      item: { pk: 'THING#t-1', ...THING },
      find: async () => undefined,
    });

    // Assess
    expect(result).toEqual({ created: true, record: THING });
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      Item: { pk: 'THING#t-1', ...THING },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answers the existing record when one with the key is there', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(refused());
    const existing = { thingId: 't-1', colour: 'red' };

    // Act
    const result = await createOrFind({
      tableName: 'things',
      key: 'thingId',
      record: THING,
      find: async () => existing,
    });

    // Assess
    expect(result).toEqual({ created: false, record: existing });
  });

  it('rethrows the refusal when the existing record is gone by the time it is read', async () => {
    // Prepare
    const refusal = refused();
    dynamo.on(PutCommand).rejects(refusal);

    // Act
    const attempt = createOrFind({ tableName: 'things', key: 'thingId', record: THING, find: async () => undefined });

    // Assess
    await expect(attempt).rejects.toBe(refusal);
  });
});
