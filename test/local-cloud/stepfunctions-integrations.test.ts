import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StateMachineTypeNotSupported,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../local-cloud/aws-protocol.js';
import type { StateMachineConfig } from '../../local-cloud/stepfunctions/index.js';
import {
  FakeIntegrations,
  fullHistory,
  functionArn,
  type Harness,
  invokeTask,
  startHarness,
  stateMachine,
} from './stepfunctions-harness.js';

describe('Step Functions task integrations', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function runToEnd(integrations: FakeIntegrations, config: StateMachineConfig, input: unknown = {}) {
    harness = await startHarness(integrations, { waitOverrideMs: 0 });
    harness.service.addStateMachine(config);
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: config.arn, input: JSON.stringify(input) }),
    );
    await harness.service.whenIdle();
    const described = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    return { described, history: await fullHistory(harness.client, executionArn ?? '') };
  }

  it('names service errors like AWS: DynamoDB.* for optimized integrations, DynamoDb.* for aws-sdk ones', async () => {
    // Prepare
    const integrations = new FakeIntegrations({}, () => {
      throw new AwsServiceError('ConditionalCheckFailedException', 'The conditional request failed');
    });
    const putItem = {
      TableName: 'orders',
      Item: { pk: { S: 'o-1' } },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    const config = stateMachine('Conditional', {
      StartAt: 'Optimized',
      States: {
        Optimized: {
          Type: 'Task',
          Resource: 'arn:aws:states:::dynamodb:putItem',
          Parameters: putItem,
          Catch: [
            { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], ResultPath: '$.optimized', Next: 'Sdk' },
          ],
          End: true,
        },
        Sdk: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
          Parameters: putItem,
          Catch: [{ ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], ResultPath: '$.sdk', Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    });

    // Act
    const { described } = await runToEnd(integrations, config);

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    const output = JSON.parse(described.output ?? '');
    expect(output.optimized.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(output.sdk.Error).toBe('DynamoDb.ConditionalCheckFailedException');
    expect(output.sdk.Cause).toContain('Error Code: ConditionalCheckFailedException');
    expect(integrations.serviceCalls.map((call) => `${call.service}:${call.action}`)).toEqual([
      'dynamodb:putItem',
      'dynamodb:putItem',
    ]);
  });

  it('shapes results like AWS: lambda:invoke wraps the payload, a function ARN returns it, putEvents gets string Details', async () => {
    // Prepare
    const integrations = new FakeIntegrations({ price: () => ({ payload: { total: 42 } }) }, () => ({
      Entries: [{ EventId: 'e-1' }],
      FailedEntryCount: 0,
    }));
    const config = stateMachine('Shapes', {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'price', 'Payload.$': '$' },
          ResultPath: '$.invoke',
          Next: 'Direct',
        },
        Direct: { Type: 'Task', Resource: functionArn('price'), ResultPath: '$.direct', Next: 'Publish' },
        Publish: {
          Type: 'Task',
          Resource: 'arn:aws:states:::events:putEvents',
          Parameters: {
            Entries: [
              { EventBusName: 'bus', Source: 'checkout', DetailType: 'OrderPlaced.v1', 'Detail.$': '$.direct' },
            ],
          },
          ResultPath: '$.published',
          End: true,
        },
      },
    });

    // Act
    const { described, history } = await runToEnd(integrations, config);

    // Assess
    const output = JSON.parse(described.output ?? '');
    expect(output.invoke).toMatchObject({ Payload: { total: 42 }, StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(output.invoke.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(output.direct).toEqual({ total: 42 });
    expect(output.published).toEqual({ Entries: [{ EventId: 'e-1' }], FailedEntryCount: 0 });
    expect(integrations.serviceCalls[0]?.parameters).toEqual({
      Entries: [{ EventBusName: 'bus', Source: 'checkout', DetailType: 'OrderPlaced.v1', Detail: '{"total":42}' }],
    });
    expect(history.filter((event) => event.type?.startsWith('LambdaFunction')).map((event) => event.type)).toEqual([
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
    ]);
  });

  it('times a task out with States.Timeout, which States.TaskFailed does not match', async () => {
    // Prepare
    const integrations = new FakeIntegrations({ slow: () => new Promise(() => undefined) });
    const config = stateMachine('Slow', {
      StartAt: 'Slow',
      States: {
        Slow: invokeTask('slow', {
          TimeoutSeconds: 1,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.caughtBy', Next: 'WrongHandler' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.caughtBy', Next: 'TimeoutHandler' },
          ],
          End: true,
        }),
        WrongHandler: { Type: 'Fail', Error: 'WrongHandler' },
        TimeoutHandler: { Type: 'Pass', End: true },
      },
    });

    // Act
    const { described, history } = await runToEnd(integrations, config);

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '').caughtBy.Error).toBe('States.Timeout');
    expect(history.find((event) => event.type === 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe(
      'States.Timeout',
    );
  });

  it('fails the execution, not the process, when an integration crashes', async () => {
    // Prepare
    const integrations = new FakeIntegrations({
      crash: () => {
        throw new TypeError('Cannot read properties of undefined');
      },
    });
    const config = stateMachine('Crash', { StartAt: 'Crash', States: { Crash: invokeTask('crash', { End: true }) } });

    // Act
    const { described, history } = await runToEnd(integrations, config);

    // Assess
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.TaskFailed');
    expect(described.cause).toContain('Cannot read properties of undefined');
    expect(history.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('times the whole execution out after its TimeoutSeconds', async () => {
    // Prepare
    const integrations = new FakeIntegrations({ slow: () => new Promise(() => undefined) });
    const config = stateMachine('Deadline', {
      TimeoutSeconds: 1,
      StartAt: 'Slow',
      States: { Slow: invokeTask('slow', { End: true }) },
    });

    // Act
    const { described, history } = await runToEnd(integrations, config);

    // Assess
    expect(described.status).toBe('TIMED_OUT');
    expect(described.error).toBe('States.Timeout');
    expect(history.at(-1)?.type).toBe('ExecutionTimedOut');
  });

  it('runs EXPRESS machines synchronously and, like AWS, keeps no history for them', async () => {
    // Prepare
    const integrations = new FakeIntegrations({ price: () => ({ payload: { total: 7 } }) });
    harness = await startHarness(integrations);
    const config = stateMachine(
      'Quote',
      { StartAt: 'Price', States: { Price: invokeTask('price', { End: true }) } },
      'EXPRESS',
    );
    harness.service.addStateMachine(config);
    // StartSyncExecution targets the `sync-` host; a loopback endpoint needs the prefix off.
    const syncClient = harness.clientWith({ disableHostPrefix: true });

    // Act
    const result = await syncClient.send(new StartSyncExecutionCommand({ stateMachineArn: config.arn, input: '{}' }));
    const described = await harness.client
      .send(new DescribeExecutionCommand({ executionArn: result.executionArn }))
      .catch((error: unknown) => error);
    const listed = await harness.client
      .send(new ListExecutionsCommand({ stateMachineArn: config.arn }))
      .catch((error: unknown) => error);
    syncClient.destroy();

    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.executionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:express:Quote:/);
    expect(JSON.parse(result.output ?? '')).toEqual({ Payload: { total: 7 } });
    expect(described).toBeInstanceOf(StateMachineTypeNotSupported);
    expect(listed).toBeInstanceOf(StateMachineTypeNotSupported);
  });

  it('runs Map iterations and Parallel branches, recording their events', async () => {
    // Prepare
    const integrations = new FakeIntegrations({
      price: (payload) => ({ payload: { sku: (payload as { sku: string }).sku, price: 10 } }),
    });
    const config = stateMachine('Fanout', {
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'PriceEach',
              States: {
                PriceEach: {
                  Type: 'Map',
                  ItemsPath: '$.lines',
                  ItemProcessor: {
                    StartAt: 'Price',
                    States: { Price: { Type: 'Task', Resource: functionArn('price'), End: true } },
                  },
                  End: true,
                },
              },
            },
            { StartAt: 'Pause', States: { Pause: { Type: 'Wait', Seconds: 3600, End: true } } },
          ],
          End: true,
        },
      },
    });

    // Act
    const { described, history } = await runToEnd(integrations, config, { lines: [{ sku: 'a' }, { sku: 'b' }] });

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')[0]).toEqual([
      { sku: 'a', price: 10 },
      { sku: 'b', price: 10 },
    ]);
    const types = history.map((event) => event.type);
    expect(types.filter((type) => type === 'MapIterationStarted')).toHaveLength(2);
    expect(history.find((event) => event.type === 'MapStateStarted')?.mapStateStartedEventDetails?.length).toBe(2);
    expect(types).toContain('ParallelStateSucceeded');
    expect(types.slice(-2)).toEqual(['ParallelStateExited', 'ExecutionSucceeded']);
  });
});
