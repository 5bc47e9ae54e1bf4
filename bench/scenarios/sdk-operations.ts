/**
 * The latency of single operations through the unchanged AWS SDK clients against the local cloud's endpoint, one at
 * a time: what every Lambda pays per call. Each runs on a table or queue of its own (created at runtime, as a user
 * could), the event goes to the app's bus with a source no rule matches, and the invoke calls the health function.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalCloud } from '../../local-cloud/boot.js';
import type { Progress } from '../../local-cloud/cli/progress.js';
import { atMost, type Figure } from '../figures.js';
import { mean, percentile } from '../stats.js';

// The SDK and the local cloud are JIT-compiled: the first few hundred calls of an operation are slower than the rest.
const WARMUP_OPERATIONS = 300;

interface Operation {
  readonly id: string;
  readonly label: string;
  readonly goalMs?: number;
  /** One call; `index` numbers the calls so that each can use its own key. */
  readonly call: (index: number) => Promise<unknown>;
}

export async function sdkOperations(cloud: LocalCloud, operationsEach: number, progress: Progress): Promise<Figure[]> {
  const config = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  };
  const dynamodb = new DynamoDBClient(config);
  const sqs = new SQSClient(config);
  const events = new EventBridgeClient(config);
  const lambda = new LambdaClient(config);
  const floor = await startInstantDynamoDb();
  const floorClient = new DynamoDBClient({ ...config, endpoint: floor.endpoint });
  try {
    const tableName = `bench-${randomUUID().slice(0, 8)}`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    while ((await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE') {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await dynamodb.send(
      new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'read-me' }, payload: { S: 'x'.repeat(200) } } }),
    );
    const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: tableName }));
    const healthFunction = cloud.services.lambda.listFunctions().find((spec) => spec.logicalId.startsWith('HealthFn'));
    if (!healthFunction) throw new Error('The app has no HealthFn function to invoke');
    const healthEvent = new TextEncoder().encode(
      JSON.stringify({
        resource: '/health/live',
        path: '/health/live',
        httpMethod: 'GET',
        headers: {},
        requestContext: { requestId: 'bench' },
      }),
    );

    const operations: Operation[] = [
      {
        id: 'dynamodb.getItem',
        label: 'DynamoDB GetItem',
        goalMs: 1,
        call: () => dynamodb.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'read-me' } } })),
      },
      {
        id: 'dynamodb.getItem.sdkFloor',
        label: 'the same GetItem, answered at once by a stub server',
        call: () => floorClient.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'read-me' } } })),
      },
      {
        id: 'dynamodb.getItem.inProcess',
        label: 'the same GetItem, called in-process (no SDK, no HTTP)',
        call: () => cloud.services.dynamodb.call('GetItem', { TableName: tableName, Key: { pk: { S: 'read-me' } } }),
      },
      {
        id: 'dynamodb.putItem',
        label: 'DynamoDB PutItem',
        call: (index) =>
          dynamodb.send(
            new PutItemCommand({ TableName: tableName, Item: { pk: { S: `put-${index}` }, n: { N: String(index) } } }),
          ),
      },
      {
        id: 'dynamodb.transactWriteItems',
        label: 'DynamoDB TransactWriteItems (2 puts)',
        call: (index) =>
          dynamodb.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: tableName, Item: { pk: { S: `tx-a-${index}` } } } },
                { Put: { TableName: tableName, Item: { pk: { S: `tx-b-${index}` } } } },
              ],
            }),
          ),
      },
      {
        id: 'sqs.sendMessage',
        label: 'SQS SendMessage',
        call: (index) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `message ${index}` })),
      },
      {
        id: 'sqs.receiveMessage',
        label: 'SQS ReceiveMessage (a message waiting)',
        call: () => sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1 })),
      },
      {
        id: 'events.putEvents',
        label: 'EventBridge PutEvents (1 entry)',
        call: (index) =>
          events.send(
            new PutEventsCommand({
              Entries: [
                {
                  EventBusName: cloud.output('EventBusName'),
                  Source: 'sagastack.bench',
                  DetailType: 'BenchmarkPing',
                  Detail: JSON.stringify({ index }),
                },
              ],
            }),
          ),
      },
      {
        id: 'lambda.invoke',
        label: 'Lambda Invoke (warm, GET /health/live)',
        goalMs: 3,
        call: () => lambda.send(new InvokeCommand({ FunctionName: healthFunction.name, Payload: healthEvent })),
      },
    ];

    const figures: Figure[] = [];
    for (const operation of operations) {
      progress.start(`${operation.label} x ${operationsEach}`);
      const latencies = await measure(operation, operationsEach);
      progress.done(`${mean(latencies).toFixed(2)} ms/op`);
      figures.push(
        {
          id: `operation.${operation.id}`,
          section: 'Single operations through the AWS SDK (sequential)',
          label: `${operation.label}, mean`,
          value: mean(latencies),
          unit: 'ms/op',
          goal: operation.goalMs === undefined ? undefined : atMost(operation.goalMs),
        },
        {
          id: `operation.${operation.id}.p99`,
          section: 'Single operations through the AWS SDK (sequential)',
          label: `${operation.label}, p99`,
          value: percentile(latencies, 99),
          unit: 'ms',
        },
      );
    }
    return figures;
  } finally {
    for (const client of [dynamodb, sqs, events, lambda, floorClient]) client.destroy();
    await new Promise((resolve) => floor.server.close(resolve));
  }
}

/**
 * What the SDK costs by itself: a server that answers every request at once with the item GetItem reads. With the
 * in-process figure, it splits the GetItem above into the SDK's share, the HTTP between them, and the local cloud's.
 */
async function startInstantDynamoDb(): Promise<{ server: Server; endpoint: string }> {
  const answer = JSON.stringify({ Item: { pk: { S: 'read-me' }, payload: { S: 'x'.repeat(200) } } });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Warm-up calls first (connections, JIT), then `count` timed calls. SendMessage runs before ReceiveMessage in the
 * list, so the queue holds a message for every receive.
 */
async function measure(operation: Operation, count: number): Promise<number[]> {
  for (let index = 0; index < WARMUP_OPERATIONS; index++) await operation.call(-1 - index);
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await operation.call(index);
    latencies.push(performance.now() - started);
  }
  return latencies;
}
