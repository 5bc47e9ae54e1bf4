import { ConditionalCheckFailedException, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbFixture, startDynamoDbFixture } from './dynamodb-fixture.js';

const ORDERS_TABLE = 'orders';

describe('local DynamoDB passthrough to dynalite', () => {
  let fixture: DynamoDbFixture;

  beforeAll(async () => {
    fixture = await startDynamoDbFixture();
    await fixture.dynamoDb.createTable(ORDERS_TABLE, {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'createdAt', AttributeType: 'N' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [
            { AttributeName: 'status', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
    });
  });

  afterAll(async () => {
    await fixture.stop();
  });

  it('creates the table active, with its index, from the template properties', async () => {
    // Act
    const { Table } = await fixture.client.send(new DescribeTableCommand({ TableName: ORDERS_TABLE }));

    // Assess
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.TableArn).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/orders');
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byStatus']);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('puts, reads, updates and deletes an item', async () => {
    // Prepare
    const key = { pk: 'ORDER#1', sk: 'META' };
    await fixture.documentClient.send(
      new PutCommand({ TableName: ORDERS_TABLE, Item: { ...key, status: 'PENDING', createdAt: 1, total: 42.5 } }),
    );

    // Act
    const { Attributes: updated } = await fixture.documentClient.send(
      new UpdateCommand({
        TableName: ORDERS_TABLE,
        Key: key,
        UpdateExpression: 'SET #status = :confirmed',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':confirmed': 'CONFIRMED', ':pending': 'PENDING' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { Item: read } = await fixture.documentClient.send(new GetCommand({ TableName: ORDERS_TABLE, Key: key }));
    await fixture.documentClient.send(new DeleteCommand({ TableName: ORDERS_TABLE, Key: key }));
    const { Item: afterDelete } = await fixture.documentClient.send(
      new GetCommand({ TableName: ORDERS_TABLE, Key: key }),
    );

    // Assess
    expect(updated).toEqual({ ...key, status: 'CONFIRMED', createdAt: 1, total: 42.5 });
    expect(read).toEqual(updated);
    expect(afterDelete).toBeUndefined();
  });

  it('answers a failed condition with ConditionalCheckFailedException carrying the item when asked', async () => {
    // Prepare
    const item = { pk: 'ORDER#2', sk: 'META', status: 'PENDING', createdAt: 2 };
    await fixture.documentClient.send(new PutCommand({ TableName: ORDERS_TABLE, Item: item }));

    // Act
    const error = await fixture.documentClient
      .send(
        new PutCommand({
          TableName: ORDERS_TABLE,
          Item: { ...item, status: 'OTHER' },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((failure: unknown) => failure);

    // Assess
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    expect((error as ConditionalCheckFailedException).Item?.status).toEqual({ S: 'PENDING' });
    const { Item: unchanged } = await fixture.documentClient.send(
      new GetCommand({ TableName: ORDERS_TABLE, Key: { pk: 'ORDER#2', sk: 'META' } }),
    );
    expect(unchanged?.status).toBe('PENDING');
  });

  it('queries a global secondary index in sort-key order', async () => {
    // Prepare
    for (const [id, status, createdAt] of [
      ['10', 'SHIPPED', 30],
      ['11', 'SHIPPED', 10],
      ['12', 'CANCELLED', 20],
      ['13', 'SHIPPED', 20],
    ] as const) {
      await fixture.documentClient.send(
        new PutCommand({ TableName: ORDERS_TABLE, Item: { pk: `ORDER#${id}`, sk: 'META', status, createdAt } }),
      );
    }

    // Act
    const { Items } = await fixture.documentClient.send(
      new QueryCommand({
        TableName: ORDERS_TABLE,
        IndexName: 'byStatus',
        KeyConditionExpression: '#status = :shipped AND createdAt >= :since',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':shipped': 'SHIPPED', ':since': 15 },
      }),
    );

    // Assess
    expect(Items?.map((item) => item.pk)).toEqual(['ORDER#13', 'ORDER#10']);
  });
});
