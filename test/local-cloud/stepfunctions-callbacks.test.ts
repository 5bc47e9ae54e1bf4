import {
  DescribeExecutionCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
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

describe('Step Functions .waitForTaskToken through the SFN API', () => {
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

  it('resumes with the output of SendTaskSuccess', async () => {
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

  it('fails the task with the error and cause of SendTaskFailure', async () => {
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

  it('times the task out with States.HeartbeatTimeout when heartbeats stop', async () => {
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

  it('times a parked task out with States.Timeout after its TimeoutSeconds', async () => {
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
    expect(history.map((event) => event.type).slice(-3)).toEqual(['TaskSubmitted', 'TaskTimedOut', 'ExecutionFailed']);
  });

  it('lets Catch select States.HeartbeatTimeout and routes to the handler state', async () => {
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

  it('releases a parked token when the execution is stopped', async () => {
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
