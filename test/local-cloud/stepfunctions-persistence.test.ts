import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, ListExecutionsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeIntegrations,
  fullHistory,
  type Harness,
  invokeTask,
  startHarness,
  stateMachine,
} from './stepfunctions-harness.js';

const CONFIRM = stateMachine('Confirm', {
  StartAt: 'Confirm',
  States: {
    Confirm: invokeTask('confirm', { Next: 'Hold' }),
    Hold: { Type: 'Wait', SecondsPath: '$.Payload.holdFor', End: true },
  },
});

describe('Step Functions persistence of closed executions', () => {
  let persistDir = '';
  const harnesses: Harness[] = [];

  beforeEach(async () => {
    persistDir = await mkdtemp(join(tmpdir(), 'sfn-persist-'));
  });
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
    await rm(persistDir, { recursive: true, force: true });
  });

  async function boot(holdFor: number): Promise<Harness> {
    const integrations = new FakeIntegrations({ confirm: () => ({ payload: { confirmed: true, holdFor } }) });
    const harness = await startHarness(integrations, { persistDir });
    harness.service.addStateMachine(CONFIRM);
    harnesses.push(harness);
    return harness;
  }

  it('answers DescribeExecution and GetExecutionHistory for executions of a previous run', async () => {
    // Prepare
    const first = await boot(0);
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({ stateMachineArn: CONFIRM.arn, name: 'confirm-1', input: '{"orderId":"o-1"}' }),
    );
    await first.service.whenIdle();
    const historyBefore = await fullHistory(first.client, executionArn ?? '');

    // Act
    const restarted = await boot(0);
    const described = await restarted.client.send(new DescribeExecutionCommand({ executionArn }));
    const historyAfter = await fullHistory(restarted.client, executionArn ?? '');
    const listed = await restarted.client.send(new ListExecutionsCommand({ stateMachineArn: CONFIRM.arn }));

    // Assess
    expect(described).toMatchObject({ status: 'SUCCEEDED', name: 'confirm-1', input: '{"orderId":"o-1"}' });
    expect(historyAfter).toEqual(historyBefore);
    expect(listed.executions?.map((execution) => execution.executionArn)).toEqual([executionArn]);
  });

  it('keeps an execution still running at stop() as ABORTED', async () => {
    // Prepare
    const first = await boot(3600);
    const { executionArn } = await first.client.send(
      new StartExecutionCommand({ stateMachineArn: CONFIRM.arn, name: 'confirm-2' }),
    );
    await first.client.send(new DescribeExecutionCommand({ executionArn }));

    // Act
    await first.service.stop();
    const restarted = await boot(0);
    const described = await restarted.client.send(new DescribeExecutionCommand({ executionArn }));
    const history = await fullHistory(restarted.client, executionArn ?? '');

    // Assess
    expect(described.status).toBe('ABORTED');
    expect(history.at(-1)?.type).toBe('ExecutionAborted');
  });
});
