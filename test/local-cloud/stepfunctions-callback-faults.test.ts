import {
  DescribeExecutionCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callJsonApi } from '../../local-cloud/aws-protocol.js';
import { FaultInjector, type FaultKind, type FaultPlan, parseFaultRates } from '../../local-cloud/faults/fault-plan.js';
import { stepFunctionsApi, withCallbackFaults } from '../../local-cloud/stepfunctions/index.js';
import { eventually, FakeIntegrations, type Harness, startHarness, stateMachine } from './stepfunctions-harness.js';

const QUEUE_URL = 'http://127.0.0.1:4566/000000000000/worker';

/** A worker task as the provisioning saga's: the token goes to a queue, the worker answers and heartbeats. */
function workerMachine(name: string) {
  return stateMachine(name, {
    StartAt: 'DispatchToWorker',
    States: {
      DispatchToWorker: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: {
          QueueUrl: QUEUE_URL,
          MessageBody: { 'taskToken.$': '$$.Task.Token', 'saga.$': '$' },
        },
        HeartbeatSeconds: 1,
        TimeoutSeconds: 30,
        ResultPath: '$.worker',
        End: true,
      },
    },
  });
}

describe('Step Functions callback faults', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  /** Starts one worker task of saga `saga-1` with a plan that targets `kind` at it (or with the plan given). */
  async function startWorkerTask(
    kind: FaultKind,
    { plan, input = { correlationId: 'saga-1' } }: { plan?: FaultPlan; input?: object } = {},
  ) {
    const faults = new FaultInjector(
      plan ?? { seed: 's', rates: {}, targets: [{ kind, saga: 'saga-1', where: 'DispatchToWorker' }] },
    );
    const integrations = new FakeIntegrations({}, () => ({ MessageId: 'm-1' }));
    harness = await startHarness(integrations, {}, (api, service) => withCallbackFaults(api, service, faults));
    const machine = workerMachine(`Worker-${kind.replace('.', '-')}`);
    harness.service.addStateMachine(machine);
    const { executionArn = '' } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: machine.arn, input: JSON.stringify(input) }),
    );
    const sent = await eventually(() => integrations.serviceCalls[0]);
    const { taskToken } = JSON.parse(String(sent.parameters.MessageBody)) as { taskToken: string };
    return { faults, executionArn, taskToken, client: harness.client, service: harness.service };
  }

  it('answerLost: the answer is taken, its reply lost; the SDK sends it again and meets TaskTimedOut', async () => {
    // Prepare
    const { faults, executionArn, taskToken, client } = await startWorkerTask('stepfunctions.answerLost');

    // Act
    const answered = await client
      .send(new SendTaskSuccessCommand({ taskToken, output: '{"nodeId":"n-1"}' }))
      .catch((error: unknown) => error);
    await harness?.service.whenIdle();
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(answered).toBeInstanceOf(TaskTimedOut);
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '{}').worker).toEqual({ nodeId: 'n-1' });
    expect(faults.counts()).toEqual({ 'stepfunctions.answerLost': 1 });
  });

  it('lateAnswer: the answer arrives after the heartbeat ran out: the task fails, the answer meets TaskTimedOut', async () => {
    // Prepare
    const { executionArn, taskToken, client } = await startWorkerTask('stepfunctions.lateAnswer');

    // Act
    const answered = await client
      .send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))
      .catch((error: unknown) => error);
    await harness?.service.whenIdle();
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(answered).toBeInstanceOf(TaskTimedOut);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('States.HeartbeatTimeout');
  });

  it('workerDies: the heartbeat is taken, then the invocation that sent it is killed', async () => {
    // Prepare
    const { faults, taskToken, service } = await startWorkerTask('stepfunctions.workerDies');
    const kill = vi.fn();
    const traceId = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    faults.enterInvocation(traceId, 'saga-1', 'NodeAgentFn', kill);
    const api = withCallbackFaults(stepFunctionsApi(service), service, faults);

    // Act
    await callJsonApi(api, 'SendTaskHeartbeat', { taskToken }, { headers: { 'x-amzn-trace-id': traceId } });

    // Assess
    expect(kill).toHaveBeenCalledTimes(1);
    expect(faults.counts()).toEqual({ 'stepfunctions.workerDies': 1 });
  });

  it('leaves the callbacks of a task outside any saga alone, whatever the rates', async () => {
    // Prepare
    const plan = { seed: 's', rates: parseFaultRates('all=1') };
    const { faults, executionArn, taskToken, client } = await startWorkerTask('stepfunctions.answerLost', {
      plan,
      input: { orderId: 'o-1' },
    });

    // Act
    await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    await client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    await harness?.service.whenIdle();
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(faults.counts()).toEqual({});
  });
});
