/**
 * Conformance with AWS of the context object (`$$`) and of the dynamic Task timeouts (`TimeoutSecondsPath`,
 * `HeartbeatSecondsPath`). `$$.State` follows the current state and attempt through the patch of
 * `aws-local-stepfunctions` (docs/dev/upstream/aws-local-stepfunctions.md, section 14). Each case names its AWS page.
 */
import {
  DescribeExecutionCommand,
  type HistoryEvent,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidAslDefinitionError } from '../../local-cloud/stepfunctions/index.js';
import {
  eventually,
  FakeIntegrations,
  fullHistory,
  functionArn,
  type Harness,
  startHarness,
  stateMachine,
  thrown,
} from './stepfunctions-harness.js';

const CONTEXT_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html';
const TASK_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html';
const CALLBACK_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token';
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const QUEUE_URL = 'http://127.0.0.1:4566/000000000000/worker';

describe('Step Functions context object and dynamic timeouts', () => {
  let harness: Harness | undefined;
  let machines = 0;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function start(definition: Record<string, unknown>, input: unknown, integrations: FakeIntegrations) {
    harness ??= await startHarness(integrations, { waitOverrideMs: 0, retryIntervalOverrideMs: 0 });
    machines += 1;
    const config = stateMachine(`Context${machines}`, definition);
    harness.service.addStateMachine(config);
    const { executionArn = '' } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: config.arn, name: `run-${machines}`, input: JSON.stringify(input) }),
    );
    return { executionArn, config };
  }

  async function outcome(executionArn: string) {
    const client = harness?.client;
    if (client === undefined) throw new Error('no harness');
    await harness?.service.whenIdle();
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      status: described.status,
      error: described.error,
      cause: described.cause,
      output: described.output === undefined ? undefined : (JSON.parse(described.output) as Record<string, unknown>),
      history: await fullHistory(client, executionArn),
    };
  }

  async function run(definition: Record<string, unknown>, input: unknown, integrations = new FakeIntegrations()) {
    const { executionArn, config } = await start(definition, input, integrations);
    return { ...(await outcome(executionArn)), executionArn, config };
  }

  function eventOf(history: HistoryEvent[], type: string): HistoryEvent | undefined {
    return history.find((event) => event.type === type);
  }

  describe(`$$.State (${CONTEXT_DOC})`, () => {
    it('gives the name of the state, when it was entered, and 0 retries in Parameters', async () => {
      // Act
      const result = await run(
        {
          StartAt: 'First',
          States: {
            First: { Type: 'Pass', Next: 'Shape' },
            Shape: { Type: 'Pass', Parameters: { 'state.$': '$$.State' }, End: true },
          },
        },
        {},
      );

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      const state = result.output?.state as { Name: string; EnteredTime: string; RetryCount: number };
      expect(state.Name).toBe('Shape');
      expect(state.RetryCount).toBe(0);
      expect(state.EnteredTime).toMatch(ISO_TIMESTAMP);
      const started = eventOf(result.history, 'ExecutionStarted')?.timestamp ?? new Date(Number.NaN);
      const exited = result.history.filter((event) => event.type === 'PassStateExited').at(-1)?.timestamp;
      expect(Date.parse(state.EnteredTime)).toBeGreaterThanOrEqual(started.getTime());
      expect(Date.parse(state.EnteredTime)).toBeLessThanOrEqual(exited?.getTime() ?? 0);
    });

    it('counts the retries of the attempt: the function sees RetryCount 0, 1, 2', async () => {
      // Prepare: a function that fails twice, then answers
      const integrations = new FakeIntegrations({
        flaky: (_payload, call) => (call < 3 ? thrown('Flaky', 'not yet') : { payload: { ok: true } }),
      });
      const definition = {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: functionArn('flaky'), Payload: { 'retry.$': '$$.State.RetryCount' } },
            Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 3 }],
            ResultSelector: { 'retries.$': '$$.State.RetryCount', 'state.$': '$$.State.Name' },
            End: true,
          },
        },
      };

      // Act
      const result = await run(definition, {}, integrations);

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(integrations.functionCalls.map((call) => call.payload)).toEqual([
        { retry: 0 },
        { retry: 1 },
        { retry: 2 },
      ]);
      expect(result.output).toEqual({ retries: 2, state: 'Call' });
    });

    it('is the current state in a Choice Variable, and the inner state in a Map iteration and a Parallel branch', async () => {
      // Prepare
      const definition = {
        StartAt: 'Route',
        States: {
          Route: {
            Type: 'Choice',
            Choices: [{ Variable: '$$.State.Name', StringEquals: 'Route', Next: 'Fan' }],
            Default: 'Wrong',
          },
          Wrong: { Type: 'Fail', Error: 'WrongState' },
          Fan: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'map.$': '$$.State.Name' },
            ItemProcessor: {
              StartAt: 'Inner',
              States: {
                Inner: {
                  Type: 'Pass',
                  Parameters: { 'selected.$': '$', 'inner.$': '$$.State.Name', 'input.$': '$$.Execution.Input' },
                  End: true,
                },
              },
            },
            ResultPath: '$.mapped',
            Next: 'Split',
          },
          Split: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Left',
                States: { Left: { Type: 'Pass', Parameters: { 'name.$': '$$.State.Name' }, End: true } },
              },
              {
                StartAt: 'Right',
                States: { Right: { Type: 'Pass', Parameters: { 'name.$': '$$.State.Name' }, End: true } },
              },
            ],
            ResultPath: '$.branches',
            End: true,
          },
        },
      };

      // Act
      const result = await run(definition, { items: ['a'] });

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output?.mapped).toEqual([
        { selected: { index: 0, value: 'a', map: 'Fan' }, inner: 'Inner', input: { items: ['a'] } },
      ]);
      expect(result.output?.branches).toEqual([{ name: 'Left' }, { name: 'Right' }]);
    });
  });

  describe(`The whole context object $$ (${CONTEXT_DOC})`, () => {
    it('has Execution, State and StateMachine, and no Task outside a callback Task', async () => {
      // Act
      const result = await run(
        { StartAt: 'Shape', States: { Shape: { Type: 'Pass', Parameters: { 'ctx.$': '$$' }, End: true } } },
        { order: 7 },
      );

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      const ctx = result.output?.ctx as Record<string, Record<string, unknown>>;
      expect(Object.keys(ctx).sort()).toEqual(['Execution', 'State', 'StateMachine']);
      expect(ctx.Execution).toMatchObject({ Id: result.executionArn, Name: `run-${machines}`, Input: { order: 7 } });
      expect(ctx.StateMachine).toEqual({ Id: result.config.arn, Name: result.config.name });
      expect(ctx.State).toMatchObject({ Name: 'Shape', RetryCount: 0 });
    });

    it(`has Task.Token in the Parameters of a .waitForTaskToken Task, a token SendTaskSuccess takes (${CALLBACK_DOC})`, async () => {
      // Prepare
      const integrations = new FakeIntegrations({}, () => ({ MessageId: 'm-1' }));
      const definition = {
        StartAt: 'Dispatch',
        States: {
          Dispatch: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'ctx.$': '$$' } },
            End: true,
          },
        },
      };
      const { executionArn } = await start(definition, {}, integrations);
      const sent = await eventually(() => integrations.serviceCalls[0]);
      const { ctx } = JSON.parse(String(sent.parameters.MessageBody)) as {
        ctx: { Task: { Token: string }; State: { Name: string } };
      };

      // Act
      await harness?.client.send(new SendTaskSuccessCommand({ taskToken: ctx.Task.Token, output: '{"done":true}' }));
      const result = await outcome(executionArn);

      // Assess
      expect(ctx.State.Name).toBe('Dispatch');
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({ done: true });
    });

    it('$$.Task.Token outside a callback Task selects nothing: States.Runtime (AWS does not document this case)', async () => {
      // Act
      const result = await run(
        {
          StartAt: 'Shape',
          States: { Shape: { Type: 'Pass', Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
        },
        {},
      );

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.Runtime');
      expect(result.cause).toContain('$$.Task.Token');
    });
  });

  describe(`TimeoutSecondsPath and HeartbeatSecondsPath (${TASK_DOC})`, () => {
    const hangingTask = (fields: Record<string, unknown>) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: functionArn('hang'), 'Payload.$': '$' },
      End: true,
      ...fields,
    });

    it('TimeoutSecondsPath is read from the input after InputPath; the Task times out then', async () => {
      // Prepare
      const integrations = new FakeIntegrations({ hang: () => new Promise(() => undefined) });
      const definition = {
        StartAt: 'Slow',
        States: { Slow: hangingTask({ InputPath: '$.limits', TimeoutSecondsPath: '$.seconds' }) },
      };

      // Act
      const result = await run(definition, { limits: { seconds: 1 } }, integrations);

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.Timeout');
      expect(eventOf(result.history, 'TaskScheduled')?.taskScheduledEventDetails?.timeoutInSeconds).toBe(1);
      expect(eventOf(result.history, 'TaskTimedOut')?.taskTimedOutEventDetails?.error).toBe('States.Timeout');
    });

    it.each([
      ['0', 0],
      ['a fraction', 1.5],
      ['a string', '5'],
    ])(
      'a TimeoutSecondsPath value of %s fails the state with States.Runtime before the task runs',
      async (_, seconds) => {
        // Prepare
        const integrations = new FakeIntegrations({ hang: () => new Promise(() => undefined) });
        const definition = { StartAt: 'Slow', States: { Slow: hangingTask({ TimeoutSecondsPath: '$.seconds' }) } };

        // Act
        const result = await run(definition, { seconds }, integrations);

        // Assess
        expect(result.status).toBe('FAILED');
        expect(result.error).toBe('States.Runtime');
        expect(integrations.functionCalls).toEqual([]);
      },
    );

    it('HeartbeatSecondsPath arms the heartbeat of a callback Task from its input', async () => {
      // Prepare
      const integrations = new FakeIntegrations({}, () => ({ MessageId: 'm-1' }));
      const definition = {
        StartAt: 'Dispatch',
        States: {
          Dispatch: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'token.$': '$$.Task.Token' } },
            HeartbeatSecondsPath: '$.heartbeat',
            End: true,
          },
        },
      };

      // Act: nobody heartbeats
      const result = await run(definition, { heartbeat: 1 }, integrations);

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.HeartbeatTimeout');
      expect(eventOf(result.history, 'TaskScheduled')?.taskScheduledEventDetails?.heartbeatInSeconds).toBe(1);
    });

    it.each([
      ['TimeoutSeconds', 'TimeoutSecondsPath'],
      ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
    ])('a Task with both %s and %s is refused at creation', async (literal, path) => {
      // Prepare
      harness = await startHarness(new FakeIntegrations());
      const config = stateMachine('Both', {
        StartAt: 'Slow',
        States: { Slow: hangingTask({ [literal]: 5, [path]: '$.s' }) },
      });

      // Act
      const act = () => harness?.service.addStateMachine(config);

      // Assess
      expect(act).toThrow(InvalidAslDefinitionError);
      expect(act).toThrow(`cannot have both ${literal} and ${path}`);
    });

    it('a Task whose HeartbeatSeconds is not smaller than its TimeoutSeconds is refused at creation (https://states-language.net/spec.html#task-state)', async () => {
      // Prepare
      harness = await startHarness(new FakeIntegrations());
      const config = stateMachine('HeartbeatTooLong', {
        StartAt: 'Slow',
        States: { Slow: hangingTask({ TimeoutSeconds: 5, HeartbeatSeconds: 5 }) },
      });

      // Act
      const act = () => harness?.service.addStateMachine(config);

      // Assess
      expect(act).toThrow(InvalidAslDefinitionError);
      expect(act).toThrow('HeartbeatSeconds (5) must be smaller than TimeoutSeconds (5)');
    });
  });
});
