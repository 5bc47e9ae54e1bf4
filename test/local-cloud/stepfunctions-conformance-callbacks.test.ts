/**
 * Conformance of the local Step Functions with AWS for task tokens and heartbeats: the callback pattern
 * (`.waitForTaskToken`), SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat and their errors, HeartbeatSeconds and
 * TimeoutSeconds. Each case names the AWS documentation page that states the behaviour. Tokens the local cloud did
 * not mint (forged, altered, another cloud's) and tokens it has forgotten: stepfunctions-task-token-refusals.test.ts.
 */
import {
  DescribeExecutionCommand,
  InvalidOutput,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  FakeIntegrations,
  fullHistory,
  type Harness,
  startHarness,
  stateMachine,
} from './stepfunctions-harness.js';

const CALLBACK_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token';
const TASK_STATE_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html';
const ERRORS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html';
const SEND_TASK_SUCCESS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html';
const SEND_TASK_FAILURE_DOC = 'https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html';
const SEND_TASK_HEARTBEAT_DOC =
  'https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskHeartbeat.html';

const QUEUE_URL = 'http://127.0.0.1:4566/000000000000/payment-requests';

/** A Task that sends the task token to a queue and waits for a worker to answer, as the provisioning saga does. */
function awaitPaymentMachine(name: string, taskFields: Record<string, unknown> = {}) {
  return stateMachine(name, {
    StartAt: 'AwaitPayment',
    States: {
      AwaitPayment: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: {
          QueueUrl: QUEUE_URL,
          MessageBody: { 'TaskToken.$': '$$.Task.Token', 'orderId.$': '$.orderId', 'execution.$': '$$.Execution.Id' },
        },
        ResultPath: '$.payment',
        End: true,
        ...taskFields,
      },
    },
  });
}

interface SentMessage {
  TaskToken: string;
  orderId: string;
  execution: string;
}

function sentMessages(integrations: FakeIntegrations): SentMessage[] {
  return integrations.serviceCalls.map((call) => JSON.parse(String(call.parameters.MessageBody)) as SentMessage);
}

/** The name of the error a call ends with, or `accepted`. */
const outcomeOf = (attempt: Promise<unknown>): Promise<string> =>
  attempt.then(
    () => 'accepted',
    (error: Error) => error.name,
  );

/** What each callback operation answers for `taskToken`, in the order success, failure, heartbeat. */
function everyCallback(client: SFNClient, taskToken: string): Promise<string[]> {
  return Promise.all([
    outcomeOf(client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))),
    outcomeOf(client.send(new SendTaskFailureCommand({ taskToken, error: 'Refused' }))),
    outcomeOf(client.send(new SendTaskHeartbeatCommand({ taskToken }))),
  ]);
}

describe('Step Functions task tokens and heartbeats: conformance with AWS', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function start(integrations: FakeIntegrations, machine: ReturnType<typeof stateMachine>) {
    harness = await startHarness(integrations);
    harness.service.addStateMachine(machine);
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: machine.arn, input: JSON.stringify({ orderId: 'o-1' }) }),
    );
    const message = await eventually(() => sentMessages(integrations)[0]);
    return { client: harness.client, executionArn: executionArn ?? '', message };
  }

  /** An execution parked on its callback task with no heartbeat or timeout to end it while the case runs. */
  function parked(name: string) {
    return start(
      new FakeIntegrations({}, () => ({ MessageId: 'm-1' })),
      awaitPaymentMachine(name, { HeartbeatSeconds: 300 }),
    );
  }

  describe(`the callback pattern (${CALLBACK_DOC})`, () => {
    it(`resumes with the output of SendTaskSuccess (${SEND_TASK_SUCCESS_DOC})`, async () => {
      // Prepare
      const integrations = new FakeIntegrations({}, () => ({ MessageId: 'm-1', MD5OfMessageBody: 'abc' }));
      const { client, executionArn, message } = await start(integrations, awaitPaymentMachine('PaySuccess'));

      // Act
      await client.send(new SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{"paid":true}' }));
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const repeated = await client
        .send(new SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{}' }))
        .catch((error: unknown) => error);
      const unknown = await client
        .send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' }))
        .catch((error: unknown) => error);
      const history = await fullHistory(client, executionArn);

      // Assess
      expect(integrations.serviceCalls[0]).toMatchObject({ service: 'sqs', action: 'sendMessage' });
      expect(message.orderId).toBe('o-1');
      expect(message.execution).toBe(executionArn);
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output ?? '')).toEqual({ orderId: 'o-1', payment: { paid: true } });
      expect(repeated).toBeInstanceOf(TaskTimedOut);
      expect(unknown).toBeInstanceOf(InvalidToken);
      expect(history.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      const scheduled = history[2]?.taskScheduledEventDetails;
      expect(scheduled).toMatchObject({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' });
      expect(JSON.parse(scheduled?.parameters ?? '').MessageBody.TaskToken).toBe(message.TaskToken);
      expect(JSON.parse(history[4]?.taskSubmittedEventDetails?.output ?? '')).toMatchObject({ MessageId: 'm-1' });
    });

    it(`fails the task with the error and cause of SendTaskFailure (${SEND_TASK_FAILURE_DOC})`, async () => {
      // Prepare
      const integrations = new FakeIntegrations();
      const { client, executionArn, message } = await start(integrations, awaitPaymentMachine('PayFailure'));

      // Act
      await client.send(
        new SendTaskFailureCommand({ taskToken: message.TaskToken, error: 'PaymentRejected', cause: 'card expired' }),
      );
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const history = await fullHistory(client, executionArn);

      // Assess
      expect(described.status).toBe('FAILED');
      expect(described.error).toBe('PaymentRejected');
      expect(described.cause).toBe('card expired');
      expect(history.find((event) => event.type === 'TaskFailed')?.taskFailedEventDetails).toMatchObject({
        resourceType: 'sqs',
        error: 'PaymentRejected',
        cause: 'card expired',
      });
    });

    it('accepts an answer that arrives before the message send returns', async () => {
      // Prepare
      let answer: (token: string) => void = () => undefined;
      const integrations = new FakeIntegrations({}, (_, __, parameters) => {
        answer(JSON.parse(String(parameters.MessageBody)).TaskToken);
        return { MessageId: 'm-early' };
      });
      harness = await startHarness(integrations);
      const service = harness.service;
      answer = (token) => service.sendTaskSuccess(token, '"fast"');
      const machine = awaitPaymentMachine('PayEarly');
      service.addStateMachine(machine);

      // Act
      const { executionArn } = service.startExecution({ stateMachineArn: machine.arn, input: '{"orderId":"o-2"}' });
      await service.whenIdle();

      // Assess
      expect(service.describeExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED' });
      expect(JSON.parse(service.describeExecution(executionArn).output ?? '')).toEqual({
        orderId: 'o-2',
        payment: 'fast',
      });
    });

    it(`releases a parked token when the execution is stopped: a late answer meets TaskTimedOut (${SEND_TASK_SUCCESS_DOC})`, async () => {
      // Prepare
      const integrations = new FakeIntegrations();
      const { client, executionArn, message } = await start(integrations, awaitPaymentMachine('PayStopped'));

      // Act
      await client.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'customer left' }));
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const lateAnswer = await client
        .send(new SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{}' }))
        .catch((error: unknown) => error);
      const history = await fullHistory(client, executionArn);

      // Assess
      expect(described).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'customer left' });
      expect(lateAnswer).toBeInstanceOf(TaskTimedOut);
      expect(history.map((event) => event.type).slice(-2)).toEqual(['TaskStateAborted', 'ExecutionAborted']);
    });
  });

  describe(`HeartbeatSeconds and TimeoutSeconds (${TASK_STATE_DOC})`, () => {
    it('times the task out with States.HeartbeatTimeout when heartbeats stop; a late heartbeat meets TaskTimedOut', async () => {
      // Prepare
      const integrations = new FakeIntegrations();
      const machine = awaitPaymentMachine('PayHeartbeat', { HeartbeatSeconds: 1, TimeoutSeconds: 30 });
      const { client, executionArn, message } = await start(integrations, machine);

      // Act
      await client.send(new SendTaskHeartbeatCommand({ taskToken: message.TaskToken }));
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const lateHeartbeat = await client
        .send(new SendTaskHeartbeatCommand({ taskToken: message.TaskToken }))
        .catch((error: unknown) => error);
      const history = await fullHistory(client, executionArn);

      // Assess
      expect(described.status).toBe('FAILED');
      expect(described.error).toBe('States.HeartbeatTimeout');
      expect(lateHeartbeat).toBeInstanceOf(TaskTimedOut);
      expect(history.find((event) => event.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
        resourceType: 'sqs',
        error: 'States.HeartbeatTimeout',
      });
      expect(history.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({
        heartbeatInSeconds: 1,
        timeoutInSeconds: 30,
      });
    });

    it('times a parked task out with States.Timeout after its TimeoutSeconds; a late answer meets TaskTimedOut', async () => {
      // Prepare
      const integrations = new FakeIntegrations();
      const machine = awaitPaymentMachine('PayDeadline', { TimeoutSeconds: 1 });
      const { client, executionArn, message } = await start(integrations, machine);

      // Act
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const lateAnswer = await client
        .send(new SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{}' }))
        .catch((error: unknown) => error);
      const history = await fullHistory(client, executionArn);

      // Assess
      expect(described.status).toBe('FAILED');
      expect(described.error).toBe('States.Timeout');
      expect(lateAnswer).toBeInstanceOf(TaskTimedOut);
      expect(history.map((event) => event.type).slice(-3)).toEqual([
        'TaskSubmitted',
        'TaskTimedOut',
        'ExecutionFailed',
      ]);
    });

    it(`lets Catch select States.HeartbeatTimeout and routes to the handler state (${ERRORS_DOC})`, async () => {
      // Prepare
      const integrations = new FakeIntegrations();
      const machine = stateMachine('PayCaught', {
        StartAt: 'AwaitPayment',
        States: {
          AwaitPayment: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: {
              QueueUrl: QUEUE_URL,
              MessageBody: { 'TaskToken.$': '$$.Task.Token', 'orderId.$': '$.orderId' },
            },
            HeartbeatSeconds: 1,
            Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.failure', Next: 'CancelOrder' }],
            End: true,
          },
          CancelOrder: { Type: 'Pass', Result: 'cancelled', ResultPath: '$.outcome', End: true },
        },
      });
      const { client, executionArn } = await start(integrations, machine);

      // Act
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));

      // Assess
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output ?? '')).toMatchObject({
        outcome: 'cancelled',
        failure: { Error: 'States.HeartbeatTimeout' },
      });
    });

    it(`SendTaskHeartbeat resets the heartbeat clock, keeping the task alive past HeartbeatSeconds, and adds no history event (${SEND_TASK_HEARTBEAT_DOC})`, async () => {
      // Prepare
      const machine = awaitPaymentMachine('PayKeptAlive', { HeartbeatSeconds: 1, TimeoutSeconds: 60 });
      const { client, executionArn, message } = await start(new FakeIntegrations(), machine);
      const heartbeatsSpanningTwoHeartbeatPeriods = 8;

      // Act
      for (let beat = 0; beat < heartbeatsSpanningTwoHeartbeatPeriods; beat++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        await client.send(new SendTaskHeartbeatCommand({ taskToken: message.TaskToken }));
      }
      const whileBeating = await client.send(new DescribeExecutionCommand({ executionArn }));
      await client.send(new SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{"paid":true}' }));
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const history = await fullHistory(client, executionArn);

      // Assess
      expect(whileBeating.status).toBe('RUNNING');
      expect(described.status).toBe('SUCCEEDED');
      expect(JSON.parse(described.output ?? '')).toEqual({ orderId: 'o-1', payment: { paid: true } });
      expect(history.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
    });

    it(`TimeoutSeconds bounds the task whatever the number of heartbeats: it ends with States.Timeout (${SEND_TASK_HEARTBEAT_DOC})`, async () => {
      // Prepare
      const machine = awaitPaymentMachine('PayBeatingPastDeadline', { HeartbeatSeconds: 1, TimeoutSeconds: 2 });
      const { client, executionArn, message } = await start(new FakeIntegrations(), machine);

      // Act: heartbeat until the task is closed, which the heartbeats alone would never do (bounded at 20 s, ten
      // times the timeout, so a regression fails the case instead of hanging it).
      let heartbeat = 'accepted';
      for (let beat = 0; heartbeat === 'accepted' && beat < 80; beat++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        heartbeat = await outcomeOf(client.send(new SendTaskHeartbeatCommand({ taskToken: message.TaskToken })));
      }
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const history = await fullHistory(client, executionArn);

      // Assess
      expect(heartbeat).toBe('TaskTimedOut');
      expect(described.status).toBe('FAILED');
      expect(described.error).toBe('States.Timeout');
      expect(history.find((event) => event.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({
        error: 'States.Timeout',
      });
    });
  });

  describe('the errors of SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat', () => {
    it(`InvalidToken for a malformed token, from every callback operation (${SEND_TASK_SUCCESS_DOC}, ${SEND_TASK_FAILURE_DOC}, ${SEND_TASK_HEARTBEAT_DOC})`, async () => {
      // Prepare
      const { client, executionArn } = await parked('Malformed');

      // Act
      const answers = await everyCallback(client, 'not-a-token');
      const typed = await client.send(new SendTaskHeartbeatCommand({ taskToken: 'x' })).catch((error) => error);
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));

      // Assess
      expect(answers).toEqual(['InvalidToken', 'InvalidToken', 'InvalidToken']);
      expect(typed).toBeInstanceOf(InvalidToken);
      expect(described.status).toBe('RUNNING');
    });

    it(`TaskTimedOut from every callback operation on a token already answered, and the first answer stands (${SEND_TASK_SUCCESS_DOC}, ${SEND_TASK_FAILURE_DOC}, ${SEND_TASK_HEARTBEAT_DOC})`, async () => {
      // Prepare
      const { client, executionArn, message } = await parked('Answered');
      await client.send(new SendTaskSuccessCommand({ taskToken: message.TaskToken, output: '{"first":true}' }));
      await harness?.service.whenIdle();

      // Act
      const answers = await everyCallback(client, message.TaskToken);
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));

      // Assess
      expect(answers).toEqual(['TaskTimedOut', 'TaskTimedOut', 'TaskTimedOut']);
      expect(JSON.parse(described.output ?? '')).toEqual({ orderId: 'o-1', payment: { first: true } });
    });

    it(`InvalidOutput for SendTaskSuccess output that is not JSON, empty output included; the task still waits (${SEND_TASK_SUCCESS_DOC})`, async () => {
      // Prepare
      const { client, executionArn, message } = await parked('NotJson');
      const taskToken = message.TaskToken;

      // Act
      const truncated = await client
        .send(new SendTaskSuccessCommand({ taskToken, output: '{"paid": ' }))
        .catch((error) => error);
      const empty = await outcomeOf(client.send(new SendTaskSuccessCommand({ taskToken, output: '' })));
      const whileRefused = await client.send(new DescribeExecutionCommand({ executionArn }));
      await client.send(new SendTaskSuccessCommand({ taskToken, output: '"paid"' }));
      await harness?.service.whenIdle();
      const answered = await client.send(new DescribeExecutionCommand({ executionArn }));

      // Assess
      expect(truncated).toBeInstanceOf(InvalidOutput);
      expect(empty).toBe('InvalidOutput');
      expect(whileRefused.status).toBe('RUNNING');
      expect(answered.status).toBe('SUCCEEDED');
      expect(JSON.parse(answered.output ?? '')).toEqual({ orderId: 'o-1', payment: 'paid' });
    });

    it(`ValidationException for members beyond their length constraints: taskToken 1 to 2048 characters, output up to 262,144 UTF-8 bytes (${SEND_TASK_SUCCESS_DOC}); the task still waits`, async () => {
      // Prepare
      const { client, executionArn, message } = await parked('TooLong');
      const taskToken = message.TaskToken;
      // 131,073 two-byte characters: within 262,144 characters, beyond 262,144 bytes.
      const outputOverByteLimit = JSON.stringify({ x: 'é'.repeat(131_073) });

      // Act
      const refusals = {
        emptyToken: await outcomeOf(client.send(new SendTaskHeartbeatCommand({ taskToken: '' }))),
        longToken: await outcomeOf(
          client.send(new SendTaskSuccessCommand({ taskToken: 'A'.repeat(2049), output: '{}' })),
        ),
        hugeOutput: await outcomeOf(
          client.send(new SendTaskSuccessCommand({ taskToken, output: outputOverByteLimit })),
        ),
      };
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));

      // Assess
      expect(refusals).toEqual({
        emptyToken: 'ValidationException',
        longToken: 'ValidationException',
        hugeOutput: 'ValidationException',
      });
      expect(described.status).toBe('RUNNING');
    });

    it(`ValidationException for an error over 256 or a cause over 32,768 characters; at the limits they are taken (${SEND_TASK_FAILURE_DOC})`, async () => {
      // Prepare
      const { client, executionArn, message } = await parked('FailureLimits');
      const taskToken = message.TaskToken;
      const longestError = 'E'.repeat(256);
      const longestCause = 'c'.repeat(32_768);

      // Act
      const refusals = {
        longError: await outcomeOf(client.send(new SendTaskFailureCommand({ taskToken, error: `${longestError}E` }))),
        longCause: await outcomeOf(client.send(new SendTaskFailureCommand({ taskToken, cause: `${longestCause}c` }))),
      };
      const whileRefused = await client.send(new DescribeExecutionCommand({ executionArn }));
      await client.send(new SendTaskFailureCommand({ taskToken, error: longestError, cause: longestCause }));
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));

      // Assess
      expect(refusals).toEqual({ longError: 'ValidationException', longCause: 'ValidationException' });
      expect(whileRefused.status).toBe('RUNNING');
      expect(described).toMatchObject({ status: 'FAILED', error: longestError, cause: longestCause });
    });

    it(`SendTaskFailure needs neither error nor cause: the task fails all the same (${SEND_TASK_FAILURE_DOC})`, async () => {
      // Prepare
      const { client, executionArn, message } = await parked('BareFailure');

      // Act
      const answer = await outcomeOf(client.send(new SendTaskFailureCommand({ taskToken: message.TaskToken })));
      await harness?.service.whenIdle();
      const described = await client.send(new DescribeExecutionCommand({ executionArn }));
      const history = await fullHistory(client, executionArn);

      // Assess
      // What AWS reports as the error of a failure sent without one is undocumented, so only the outcome is asserted.
      expect(answer).toBe('accepted');
      expect(described.status).toBe('FAILED');
      expect(history.map((event) => event.type).slice(-2)).toEqual(['TaskFailed', 'ExecutionFailed']);
    });
  });
});
