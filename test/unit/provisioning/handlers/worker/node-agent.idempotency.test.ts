/**
 * A redelivered worker command (same task token) does not do the work twice: Powertools' real idempotency, keyed on
 * the task token, against an in-memory stand-in for its DynamoDB table.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/provisioning/handlers/worker/node-agent.js';
import { lambdaContext, sqsBatch } from '../../../checkout/checkouts-harness.js';
import { inMemoryIdempotencyTable } from '../../../support/idempotency-table.js';

vi.hoisted(() => {
  delete process.env.POWERTOOLS_IDEMPOTENCY_DISABLED;
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    WORKER_DURATION_MS: '5',
    WORKER_HEARTBEAT_MS: '5',
    WORKER_LEASE_SECONDS: '15',
    WORKER_FLEET_TABLE_NAME: 'worker-fleet',
  });
});

const idempotencyDynamo = mockClient(DynamoDBClient);
const sfn = mockClient(SFNClient);

const provision = (taskToken: string) => ({
  command: 'provision',
  taskToken,
  resourceId: 'res_01',
  srn: 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_01',
  flavor: 'vm.small',
  region: 'eu-west-1',
  type: 'vm',
  correlationId: 'corr-worker-0001',
});

beforeEach(() => {
  idempotencyDynamo.reset();
  sfn.reset();
  inMemoryIdempotencyTable(idempotencyDynamo);
  sfn.on(SendTaskHeartbeatCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('node-agent idempotency', () => {
  it('answers a task token once, however often its command is delivered', async () => {
    // Act
    const first = await handler(sqsBatch(provision('task-token-0001')), lambdaContext);
    const redelivered = await handler(sqsBatch(provision('task-token-0001')), lambdaContext);

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(sfn.commandCalls(SendTaskHeartbeatCommand)).toHaveLength(1);
  });

  it('works again for a new task token (the saga retried the dispatch)', async () => {
    // Act
    await handler(sqsBatch(provision('task-token-0001')), lambdaContext);
    await handler(sqsBatch(provision('task-token-0002')), lambdaContext);

    // Assess
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input.taskToken)).toEqual([
      'task-token-0001',
      'task-token-0002',
    ]);
  });

  it('lets a command whose answer failed be retried and answered', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejectsOnce(new Error('Rate exceeded')).resolves({});

    // Act
    const failed = await handler(sqsBatch(provision('task-token-0003')), lambdaContext);
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    const retried = await handler(sqsBatch(provision('task-token-0003')), lambdaContext);

    // Assess
    expect(retried.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(2);
  });
});
