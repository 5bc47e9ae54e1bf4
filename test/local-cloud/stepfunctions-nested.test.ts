import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateMachineConfig } from '../../local-cloud/stepfunctions/index.js';
import {
  eventually,
  FakeIntegrations,
  fullHistory,
  type Harness,
  invokeTask,
  startHarness,
  stateMachine,
  thrown,
} from './stepfunctions-harness.js';

/** A parent whose one Task runs `child` through `states:startExecution<suffix>`, with the input under `order`. */
function parentOf(child: StateMachineConfig, suffix: string, fields: Record<string, unknown> = {}) {
  return stateMachine(`Parent${suffix.replace(/[^A-Za-z0-9]/g, '')}`, {
    StartAt: 'RunChild',
    States: {
      RunChild: {
        Type: 'Task',
        Resource: `arn:aws:states:::states:startExecution${suffix}`,
        Parameters: {
          StateMachineArn: child.arn,
          'Input.$': '$',
          'Name.$': '$.checkoutId',
        },
        End: true,
        ...fields,
      },
    },
  });
}

const doubling = stateMachine(
  'Doubling',
  {
    StartAt: 'Double',
    States: { Double: invokeTask('double', { OutputPath: '$.Payload', End: true }) },
  },
  'EXPRESS',
);

describe('Step Functions nested executions (states:startExecution)', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function start(integrations: FakeIntegrations, machines: StateMachineConfig[], input: unknown) {
    harness = await startHarness(integrations, { waitOverrideMs: 0, retryIntervalOverrideMs: 0 });
    for (const machine of machines) harness.service.addStateMachine(machine);
    const parent = machines.at(-1) as StateMachineConfig;
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: parent.arn, input: JSON.stringify(input) }),
    );
    return executionArn ?? '';
  }

  async function described(executionArn: string) {
    return (harness as Harness).client.send(new DescribeExecutionCommand({ executionArn }));
  }

  it('.sync:2 waits for an EXPRESS child and answers its description with Input and Output parsed', async () => {
    // Prepare
    const integrations = new FakeIntegrations({
      double: (payload) => ({ payload: { total: (payload as { amount: number }).amount * 2 } }),
    });
    const parent = parentOf(doubling, '.sync:2');

    // Act
    const executionArn = await start(integrations, [doubling, parent], { checkoutId: 'c-1', amount: 21 });
    await harness?.service.whenIdle();

    // Assess
    const execution = await described(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '');
    expect(output).toMatchObject({
      Status: 'SUCCEEDED',
      Name: 'c-1',
      Input: { checkoutId: 'c-1', amount: 21 },
      Output: { total: 42 },
      StateMachineArn: doubling.arn,
    });
    expect(output.ExecutionArn).toMatch(/:express:Doubling:c-1:/);
    expect(typeof output.StartDate).toBe('number');
    const history = await fullHistory((harness as Harness).client, executionArn);
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
    const scheduled = history.find((event) => event.type === 'TaskScheduled');
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'states',
      resource: 'startExecution.sync:2',
    });
    const submitted = JSON.parse(
      history.find((event) => event.type === 'TaskSubmitted')?.taskSubmittedEventDetails?.output ?? '',
    );
    expect(submitted.ExecutionArn).toBe(output.ExecutionArn);
  });

  it('.sync answers the Output as JSON text', async () => {
    // Prepare
    const integrations = new FakeIntegrations({ double: () => ({ payload: { total: 2 } }) });
    const parent = parentOf(doubling, '.sync');

    // Act
    const executionArn = await start(integrations, [doubling, parent], { checkoutId: 'c-2', amount: 1 });
    await harness?.service.whenIdle();

    // Assess
    const output = JSON.parse((await described(executionArn)).output ?? '');
    expect(output.Output).toBe('{"total":2}');
    expect(output.Input).toBe('{"checkoutId":"c-2","amount":1}');
  });

  it('fails the Task with States.TaskFailed, the child description as cause, when the child fails', async () => {
    // Prepare
    const integrations = new FakeIntegrations({ double: () => thrown('OutOfStockError', 'SKU-1 is sold out') });
    const parent = parentOf(doubling, '.sync:2', {
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Failed' }],
      End: undefined,
    });
    (parent.definition.States as Record<string, unknown>).Failed = { Type: 'Pass', End: true };

    // Act
    const executionArn = await start(integrations, [doubling, parent], { checkoutId: 'c-3', amount: 1 });
    await harness?.service.whenIdle();

    // Assess
    const output = JSON.parse((await described(executionArn)).output ?? '');
    expect(output.failure.Error).toBe('States.TaskFailed');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({
      Status: 'FAILED',
      Error: 'OutOfStockError',
      Name: 'c-3',
    });
  });

  it('stops a running child when its parent is stopped', async () => {
    // Prepare
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const integrations = new FakeIntegrations({
      double: async () => {
        await held;
        return { payload: {} };
      },
    });
    const standardChild = {
      ...doubling,
      name: 'Slow',
      arn: doubling.arn.replace('Doubling', 'Slow'),
      type: 'STANDARD',
    };
    const parent = parentOf(standardChild as StateMachineConfig, '.sync:2');
    const executionArn = await start(integrations, [standardChild as StateMachineConfig, parent], {
      checkoutId: 'c-4',
    });
    const childArn = standardChild.arn.replace(':stateMachine:', ':execution:').concat(':c-4');
    await eventually(() => (integrations.functionCalls.length > 0 ? true : undefined));

    // Act
    await harness?.client.send(new StopExecutionCommand({ executionArn }));
    release();
    await harness?.service.whenIdle();

    // Assess
    expect((await described(executionArn)).status).toBe('ABORTED');
    expect((await described(childArn)).status).toBe('ABORTED');
  });

  it('answers ExecutionArn and StartDate without waiting, and names a refused start StepFunctions.<code>', async () => {
    // Prepare
    const child = stateMachine('Child', { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
    const parent = stateMachine('Starter', {
      StartAt: 'First',
      States: {
        First: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution',
          Parameters: { StateMachineArn: child.arn, Name: 'only-once', Input: { attempt: 1 } },
          ResultPath: '$.first',
          Next: 'Again',
        },
        Again: {
          Type: 'Task',
          Resource: 'arn:aws:states:::states:startExecution',
          Parameters: { StateMachineArn: child.arn, Name: 'only-once', Input: { attempt: 2 } },
          Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExists'], ResultPath: '$.refused', Next: 'End' }],
          End: true,
        },
        End: { Type: 'Succeed' },
      },
    });

    // Act
    const executionArn = await start(new FakeIntegrations(), [child, parent], {});
    await harness?.service.whenIdle();

    // Assess
    const output = JSON.parse((await described(executionArn)).output ?? '');
    expect(output.first).toEqual({
      ExecutionArn: `${child.arn.replace(':stateMachine:', ':execution:')}:only-once`,
      StartDate: expect.any(Number),
    });
    expect(output.refused.Error).toBe('StepFunctions.ExecutionAlreadyExists');
    expect((await described(output.first.ExecutionArn)).status).toBe('SUCCEEDED');
  });
});
