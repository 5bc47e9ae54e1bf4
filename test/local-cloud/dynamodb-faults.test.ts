import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FaultInjector, type FaultKind } from '../../local-cloud/faults/fault-plan.js';
import { type DynamoDbFixture, SIMPLE_TABLE, startDynamoDbFixture } from './dynamodb-fixture.js';

const TABLE = 'stock';
const TRACE_ID = 'Root=1-6745c1a2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=0';

let fixture: DynamoDbFixture | undefined;
const lambdaEnvironment = {
  AWS_LAMBDA_FUNCTION_NAME: process.env.AWS_LAMBDA_FUNCTION_NAME,
  _X_AMZN_TRACE_ID: process.env._X_AMZN_TRACE_ID,
};

/**
 * A local DynamoDB with one fault kind always on, and this process dressed as a Lambda invocation of saga `saga-1`:
 * the SDK's recursion detection then sends `_X_AMZN_TRACE_ID` as `X-Amzn-Trace-Id`, as it does inside a function.
 */
async function startWithFault(kind: FaultKind) {
  const faults = new FaultInjector({ seed: 'test', rates: { [kind]: 1 } });
  fixture = await startDynamoDbFixture({ faults });
  await fixture.dynamoDb.createTable(TABLE, SIMPLE_TABLE);
  await fixture.dynamoDb.call('PutItem', { TableName: TABLE, Item: { pk: { S: 'sku-1' }, available: { N: '5' } } });
  process.env.AWS_LAMBDA_FUNCTION_NAME = 'reserve-inventory';
  process.env._X_AMZN_TRACE_ID = TRACE_ID;
  const leave = faults.enterInvocation(TRACE_ID, 'saga-1', 'ReserveInventoryFn');
  return { client: fixture.documentClient, faults, leave };
}

async function availableNow(): Promise<unknown> {
  const result = (await fixture?.dynamoDb.call('GetItem', { TableName: TABLE, Key: { pk: { S: 'sku-1' } } })) as {
    Item?: { available?: { N: string } };
  };
  return Number(result.Item?.available?.N);
}

const takeOne = new UpdateCommand({
  TableName: TABLE,
  Key: { pk: 'sku-1' },
  UpdateExpression: 'SET available = available - :one',
  ExpressionAttributeValues: { ':one': 1 },
});

beforeEach(() => {
  fixture = undefined;
});

afterEach(async () => {
  for (const [name, value] of Object.entries(lambdaEnvironment)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await fixture?.stop();
});

describe('DynamoDB fault injection', () => {
  it('throttles a saga request: ProvisionedThroughputExceededException, and nothing is written', async () => {
    // Prepare
    const { client } = await startWithFault('dynamodb.throughputExceeded');

    // Act
    const sent = client.send(takeOne);

    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    expect(await availableNow()).toBe(5);
  });

  it('fails a saga request before applying it: InternalServerError (500)', async () => {
    // Prepare
    const { client } = await startWithFault('dynamodb.internalError');

    // Act
    const sent = client.send(new GetCommand({ TableName: TABLE, Key: { pk: 'sku-1' } }));

    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } });
  });

  it('applies a write, then fails its answer: InternalServerError, and the write stays', async () => {
    // Prepare
    const { client, faults } = await startWithFault('dynamodb.internalErrorAfterWrite');

    // Act
    const sent = client.send(takeOne);

    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'InternalServerError' });
    expect(await availableNow()).toBe(4);
    expect(faults.injected()).toEqual([
      { kind: 'dynamodb.internalErrorAfterWrite', key: 'ReserveInventoryFn|stock|UpdateItem|saga-1', occurrence: 0 },
    ]);
  });

  it('conflicts a single-item write to a table transactions write: TransactionConflictException, nothing written', async () => {
    // Prepare: a transaction outside the saga writes the table first.
    const { client, faults, leave } = await startWithFault('dynamodb.transactionConflict');
    leave();
    await client.send(new TransactWriteCommand({ TransactItems: [{ Update: takeOne.input as never }] }));
    faults.enterInvocation(TRACE_ID, 'saga-1', 'ReserveInventoryFn');

    // Act
    const sent = client.send(new PutCommand({ TableName: TABLE, Item: { pk: 'sku-1', available: 0 } }));

    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'TransactionConflictException' });
    expect(await availableNow()).toBe(4);
  });

  it('never conflicts a single-item write to a table no transaction writes: there is nothing to meet', async () => {
    // Prepare
    const { client, faults } = await startWithFault('dynamodb.transactionConflict');

    // Act
    await client.send(takeOne);

    // Assess
    expect(await availableNow()).toBe(4);
    expect(faults.injected()).toEqual([]);
  });

  it('cancels a transaction for a conflict on its first item, with one reason per item', async () => {
    // Prepare
    const { client } = await startWithFault('dynamodb.transactionConflict');

    // Act
    const sent = client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: takeOne.input as never },
          { Put: { TableName: TABLE, Item: { pk: 'order-1', status: 'PLACED' } } },
        ],
      }),
    );

    // Assess
    await expect(sent).rejects.toMatchObject({
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
    });
    expect(await availableNow()).toBe(5);
  });

  it('never hits a request sent outside a saga: seeding, operators and invocations that ended', async () => {
    // Prepare
    const { client, leave } = await startWithFault('dynamodb.internalError');
    leave();

    // Act
    const result = await client.send(new GetCommand({ TableName: TABLE, Key: { pk: 'sku-1' } }));

    // Assess
    expect(result.Item).toEqual({ pk: 'sku-1', available: 5 });
  });
});
