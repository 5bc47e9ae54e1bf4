import {
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { provisionedNode } from '../../../../../functions/provisioning/domain/node-agent.js';
import { handler } from '../../../../../functions/provisioning/handlers/worker/node-agent.js';
import { logger } from '../../../../../shared/powertools/index.js';
import { lambdaContext, sqsBatch } from '../../../checkout/checkouts-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    // Short enough for a unit test, long enough for three heartbeats.
    WORKER_DURATION_MS: '30',
    WORKER_HEARTBEAT_MS: '10',
    WORKER_LEASE_SECONDS: '15',
    WORKER_FLEET_TABLE_NAME: 'worker-fleet',
    DEAD_LETTER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/000000000000/worker-dlq',
  });
});

const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const dynamo = mockClient(DynamoDBDocumentClient);

const provision = (overrides: Record<string, unknown> = {}) => ({
  command: 'provision',
  taskToken: 'task-token-0001',
  resourceId: 'res_01',
  srn: 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_01',
  flavor: 'vm.small',
  region: 'eu-west-1',
  type: 'vm',
  correlationId: 'corr-worker-0001',
  ...overrides,
});

beforeEach(() => {
  sqs.reset();
  dynamo.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
  sfn.reset();
  sfn.on(SendTaskHeartbeatCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

afterEach(() => {
  vi.restoreAllMocks();
  process.env.WORKER_DURATION_MS = '30';
});

describe('node-agent consumer', () => {
  it('heartbeats while it works, then sends the node to the saga with SendTaskSuccess', async () => {
    // Act
    const response = await handler(sqsBatch(provision()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(SendTaskHeartbeatCommand).map((call) => call.args[0].input)).toEqual([
      { taskToken: 'task-token-0001' },
      { taskToken: 'task-token-0001' },
      { taskToken: 'task-token-0001' },
    ]);
    const [success] = sfn.commandCalls(SendTaskSuccessCommand);
    expect(success?.args[0].input.taskToken).toBe('task-token-0001');
    expect(JSON.parse(success?.args[0].input.output ?? '')).toEqual(provisionedNode('res_01'));
    expect(sfn.commandCalls(SendTaskFailureCommand)).toHaveLength(0);
  });

  it('sends nothing at all for vm.test-hang and still succeeds the message', async () => {
    // Act
    const response = await handler(sqsBatch(provision({ flavor: 'vm.test-hang' })), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('sends SendTaskFailure with ProvisioningFailedError for vm.test-fail', async () => {
    // Act
    const response = await handler(sqsBatch(provision({ flavor: 'vm.test-fail' })), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(SendTaskFailureCommand).map((call) => call.args[0].input)).toEqual([
      {
        taskToken: 'task-token-0001',
        error: 'ProvisioningFailedError',
        cause: expect.stringContaining('srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_01'),
      },
    ]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    // One heartbeat as it starts, as every command's work begins.
    expect(sfn.commandCalls(SendTaskHeartbeatCommand)).toHaveLength(1);
  });

  it.each(['vm.small', 'vm.test-hang', 'vm.test-fail'])(
    'answers destroy of a %s node with { destroyed: true }',
    async (flavor) => {
      // Act
      const response = await handler(sqsBatch(provision({ command: 'destroy', flavor })), lambdaContext);

      // Assess
      expect(response.batchItemFailures).toEqual([]);
      expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input)).toEqual([
        { taskToken: 'task-token-0001', output: JSON.stringify({ destroyed: true }) },
      ]);
    },
  );

  it.each([
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
  ])('logs and succeeds the message when Step Functions answers %s (the saga gave up)', async (name, error) => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    sfn.on(SendTaskSuccessCommand).rejects(error);

    // Act
    const response = await handler(sqsBatch(provision()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('no longer waits'),
      expect.objectContaining({ srn: 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_01', call: 'success' }),
    );
    expect(name).toBe(error.name);
  });

  it('stops working when a heartbeat is refused with TaskTimedOut', async () => {
    // Prepare
    sfn.on(SendTaskHeartbeatCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    // Act
    const response = await handler(sqsBatch(provision()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(SendTaskHeartbeatCommand)).toHaveLength(1);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('fails the message on any other Step Functions error, so it is retried', async () => {
    // Prepare
    sfn.on(SendTaskFailureCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await handler(
      sqsBatch(provision({ flavor: 'vm.test-fail' }), provision({ taskToken: 'task-token-0002', command: 'destroy' })),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken)).toEqual([
      'task-token-0002',
    ]);
  });

  it('fails the whole batch when its only message fails (SQS then redelivers it)', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await handler(sqsBatch(provision({ command: 'destroy' })), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
  });

  it('sends a command that does not match the contract to the DLQ at once with the reason, and answers nothing', async () => {
    // Prepare
    const slot = { workerSlot: { slot: 'slot-000', leaseId: 'lease-1' } };

    // Act
    const response = await handler(
      sqsBatch(
        provision({ command: 'reboot', ...slot }),
        provision({ taskToken: '', ...slot }),
        '{not json',
        provision({ taskToken: 'x'.repeat(2049), ...slot }),
        provision({ flavor: 'vm.test-hang' }),
      ),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const sent = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(sent.map((input) => input.MessageAttributes?.OriginalMessageId?.StringValue).sort()).toEqual([
      'msg-1',
      'msg-2',
      'msg-3',
      'msg-4',
    ]);
    for (const input of sent) {
      expect(input.QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/000000000000/worker-dlq');
      expect(input.MessageAttributes?.FailureCode?.StringValue).toBe('VALIDATION_FAILED');
    }
    const reboot = sent.find((input) => input.MessageAttributes?.OriginalMessageId?.StringValue === 'msg-1');
    expect(JSON.parse(reboot?.MessageAttributes?.FailureDetails?.StringValue ?? '')).toEqual([
      { path: 'command', message: expect.any(String) },
    ]);
    // Neither a heartbeat, an answer nor a slot renewal or release for any of them.
    expect(sfn.calls()).toHaveLength(0);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('fails the message when WORKER_DURATION_MS is not a duration', async () => {
    // Prepare
    process.env.WORKER_DURATION_MS = 'forever';

    // Act
    const response = await handler(sqsBatch(provision()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(sfn.calls()).toHaveLength(0);
  });
});
