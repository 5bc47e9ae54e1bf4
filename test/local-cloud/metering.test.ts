/** The local cloud's metering: each service counts what AWS bills, as AWS counts it (`local-cloud/metering.ts`). */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime } from '../../local-cloud/lambda/index.js';
import { chunks, UsageMeter, usageBetween } from '../../local-cloud/metering.js';
import { startLocalSqs } from '../../local-cloud/sqs/index.js';
import { SIMPLE_TABLE, startDynamoDbFixture } from './dynamodb-fixture.js';
import { type AssetDirectories, createAssetDirectories, functionSpec, HANDLERS_SOURCE } from './lambda-fixture.js';
import { FakeIntegrations, invokeTask, startHarness, stateMachine, thrown } from './stepfunctions-harness.js';

async function settled(harness: Awaited<ReturnType<typeof startHarness>>, executionArn: string): Promise<string> {
  for (;;) {
    const { status } = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== 'RUNNING') return status ?? '';
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

let assets: AssetDirectories;
let handlersDirectory: string;

beforeAll(async () => {
  assets = await createAssetDirectories();
  handlersDirectory = await assets.create('handlers', { 'index.js': HANDLERS_SOURCE });
});

afterAll(async () => {
  await assets.remove();
});

describe('metering', () => {
  it('counts Lambda requests, GB-seconds at the configured memory and architecture, and log bytes', async () => {
    // Prepare
    const meter = new UsageMeter();
    const runtime = createLambdaRuntime({
      functions: [
        functionSpec('metered', handlersDirectory, 'index.log', { memorySizeMb: 1024, architecture: 'arm64' }),
      ],
      baseEnvironment: {},
      meter,
    });
    try {
      // Act
      await runtime.invoke('metered', { word: 'hello' });
      await runtime.invoke('metered', { word: 'again' });
      const used = meter.snapshot();

      // Assess: two requests; at 1 GB, GB-seconds equal the billed seconds (at least 1 ms each).
      expect(used['lambda.requests']).toBe(2);
      expect(used['lambda.arm64.gbSeconds']).toBeGreaterThanOrEqual(0.002);
      expect(used['lambda.x86_64.gbSeconds']).toBe(0);
      expect(used['logs.ingestedBytes']).toBeGreaterThan(0);
    } finally {
      await runtime.stop();
    }
  });

  it('counts DynamoDB request units by item size, transactional ones twice, and answers capacity only when asked', async () => {
    // Prepare
    const meter = new UsageMeter();
    const fixture = await startDynamoDbFixture({ meter });
    try {
      await fixture.dynamoDb.createTable('things', SIMPLE_TABLE);
      const before = meter.snapshot();

      // Act: a 3 KB put (3 WRU), a consistent read of it (1 RRU), a transaction of two small puts (2 x 2 WRU).
      await fixture.documentClient.send(
        new PutCommand({ TableName: 'things', Item: { pk: 'a', data: 'x'.repeat(3000) } }),
      );
      const read = await fixture.client.send(
        new GetItemCommand({ TableName: 'things', Key: { pk: { S: 'a' } }, ConsistentRead: true }),
      );
      await fixture.documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: 'things', Item: { pk: 'b' } } },
            { Put: { TableName: 'things', Item: { pk: 'c' } } },
          ],
        }),
      );
      const used = usageBetween(before, meter.snapshot());

      // Assess
      expect(used['dynamodb.writeRequestUnits']).toBe(3 + 4);
      expect(used['dynamodb.readRequestUnits']).toBe(1);
      expect(read.ConsumedCapacity).toBeUndefined();
    } finally {
      await fixture.stop();
    }
  });

  it('counts one Standard state transition per state executed and one per retry', async () => {
    // Prepare: Work fails once (retried), then Done; three states entered, one retry.
    const meter = new UsageMeter();
    const integrations = new FakeIntegrations({
      work: (_payload, call) => (call === 1 ? thrown('Transient', 'try again') : { payload: { ok: true } }),
    });
    const harness = await startHarness(integrations, { meter, retryIntervalOverrideMs: 1 });
    try {
      harness.service.addStateMachine(
        stateMachine('metered', {
          StartAt: 'Prepare',
          States: {
            Prepare: { Type: 'Pass', Next: 'Work' },
            Work: invokeTask('work', {
              Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 2 }],
              Next: 'Done',
            }),
            Done: { Type: 'Succeed' },
          },
        }),
      );

      // Act
      const { executionArn } = await harness.client.send(
        new StartExecutionCommand({ stateMachineArn: stateMachine('metered', {}).arn, input: '{}' }),
      );
      const status = await settled(harness, executionArn as string);

      // Assess
      expect(status).toBe('SUCCEEDED');
      expect(meter.snapshot()['stepfunctions.standard.transitions']).toBe(4);
    } finally {
      await harness.close();
    }
  });

  it("counts SQS requests, but not the calls that stand in for AWS's own doing (the pollers' hold, an expiry)", async () => {
    // Prepare
    const meter = new UsageMeter();
    const sqs = await startLocalSqs({ publicEndpoint: 'http://127.0.0.1:4566', meter });
    try {
      const { url } = await sqs.createQueue('metered', { VisibilityTimeout: 30 });
      const before = meter.snapshot();

      // Act: a send and a receive are billed; the local cloud's own visibility change is not.
      await sqs.call('SendMessage', { QueueUrl: url, MessageBody: 'hello' });
      const received = await sqs.call('ReceiveMessage', { QueueUrl: url, WaitTimeSeconds: 1 });
      const [message] = (received.Messages ?? []) as { ReceiptHandle: string }[];
      await sqs.call(
        'ChangeMessageVisibility',
        { QueueUrl: url, ReceiptHandle: message?.ReceiptHandle, VisibilityTimeout: 0 },
        undefined,
        { unmetered: true },
      );
      const used = usageBetween(before, meter.snapshot());

      // Assess
      expect(message).toBeDefined();
      expect(used['sqs.standard.requests']).toBe(2);
    } finally {
      await sqs.stop();
    }
  });

  it('bills payloads in 64 KB chunks, at least one', () => {
    // Act
    const counted = [chunks(0), chunks(64 * 1024), chunks(64 * 1024 + 1)];

    // Assess
    expect(counted).toEqual([1, 1, 2]);
  });
});
