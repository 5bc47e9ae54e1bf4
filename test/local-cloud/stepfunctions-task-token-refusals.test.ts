/**
 * Hostile callbacks: whoever holds (or makes up) a task token gets the answer AWS gives, and a refused call changes
 * nothing, so the task still waits for a proper answer. These cases test how the local cloud tells its own tokens from
 * others (it signs them); what the API reference states of the callback errors (length constraints, InvalidOutput,
 * TaskTimedOut on an answered token) is in stepfunctions-conformance-callbacks.test.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  DescribeExecutionCommand,
  InvalidOutput,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { TaskTokenRegistry } from '../../local-cloud/stepfunctions/task-tokens.js';
import { eventually, FakeIntegrations, type Harness, startHarness, stateMachine } from './stepfunctions-harness.js';

const QUEUE_URL = 'http://127.0.0.1:4566/000000000000/worker';

function workerMachine(name: string) {
  return stateMachine(name, {
    StartAt: 'DispatchToWorker',
    States: {
      DispatchToWorker: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: QUEUE_URL, MessageBody: { 'taskToken.$': '$$.Task.Token' } },
        HeartbeatSeconds: 30,
        ResultPath: '$.worker',
        End: true,
      },
    },
  });
}

/** What every callback operation answers for `taskToken`: the error's name, or `accepted`. */
async function everyCallback(client: SFNClient, taskToken: string): Promise<string[]> {
  const calls = [
    new SendTaskSuccessCommand({ taskToken, output: '{}' }),
    new SendTaskFailureCommand({ taskToken, error: 'Refused' }),
    new SendTaskHeartbeatCommand({ taskToken }),
  ];
  return Promise.all(
    calls.map((call) =>
      client.send(call as never).then(
        () => 'accepted',
        (error: Error) => error.name,
      ),
    ),
  );
}

describe('Step Functions task tokens: hostile callbacks', () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
  });

  /** A harness with one execution parked on its worker task; answers its client, execution and token. */
  async function parkedTask(name: string) {
    const integrations = new FakeIntegrations({}, () => ({ MessageId: 'm-1' }));
    const harness = await startHarness(integrations);
    harnesses.push(harness);
    const machine = workerMachine(name);
    harness.service.addStateMachine(machine);
    const { executionArn = '' } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: machine.arn, input: '{}' }),
    );
    const sent = await eventually(() => integrations.serviceCalls[0]);
    const { taskToken } = JSON.parse(String(sent.parameters.MessageBody)) as { taskToken: string };
    return { harness, client: harness.client, executionArn, taskToken };
  }

  it('answers InvalidToken to a token it did not mint: garbage, forged in its format, or another cloud’s', async () => {
    // Prepare
    const { client, taskToken, executionArn } = await parkedTask('Refusals');
    const other = await parkedTask('Refusals');
    const forged = `AQ${randomBytes(72).toString('base64url')}`;
    const altered = `${taskToken.slice(0, -4)}${taskToken.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;

    // Act
    const answers = {
      garbage: await everyCallback(client, 'not-a-token'),
      forged: await everyCallback(client, forged),
      altered: await everyCallback(client, altered),
      foreign: await everyCallback(client, other.taskToken),
      withNul: await everyCallback(client, `${taskToken}\u0000`),
    };
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));

    // Assess
    for (const answer of Object.values(answers)) {
      expect(answer).toEqual(['InvalidToken', 'InvalidToken', 'InvalidToken']);
    }
    expect(described.status).toBe('RUNNING');
  });

  it('answers TaskTimedOut, not InvalidToken, to one of its tokens it has forgotten since it closed', () => {
    // Prepare
    const registry = new TaskTokenRegistry();
    const first = registry.issue();
    registry.close(first);
    // Closed tokens are remembered by the ten thousand: the first is forgotten once ten thousand more have closed.
    for (let index = 0; index < 10_000; index++) registry.close(registry.issue());
    const stranger = new TaskTokenRegistry().issue();

    // Act
    const forgotten = captured(() => registry.heartbeat(first));
    const foreign = captured(() => registry.heartbeat(stranger));

    // Assess
    expect(registry.stateMachineOf(first)).toBeUndefined();
    expect(forgotten).toMatchObject({ code: 'TaskTimedOut' });
    expect(foreign).toMatchObject({ code: 'InvalidToken' });
  });

  it('answers with the SDK’s typed exceptions', async () => {
    // Prepare
    const { client, taskToken } = await parkedTask('Typed');

    // Act
    const invalid = await client.send(new SendTaskHeartbeatCommand({ taskToken: 'x' })).catch((error) => error);
    const badOutput = await client
      .send(new SendTaskSuccessCommand({ taskToken, output: 'not json' }))
      .catch((error) => error);
    await client.send(new SendTaskFailureCommand({ taskToken, error: 'Gone' }));
    const late = await client.send(new SendTaskHeartbeatCommand({ taskToken })).catch((error) => error);

    // Assess
    expect(invalid).toBeInstanceOf(InvalidToken);
    expect(badOutput).toBeInstanceOf(InvalidOutput);
    expect(late).toBeInstanceOf(TaskTimedOut);
  });
});

function captured(call: () => void): unknown {
  try {
    call();
    return undefined;
  } catch (error) {
    return error;
  }
}
