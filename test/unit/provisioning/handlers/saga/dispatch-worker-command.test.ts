import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { leaseIdOf } from '../../../../../functions/provisioning/domain/worker-fleet.js';
import { handler as dispatchWorkerCommand } from '../../../../../functions/provisioning/handlers/saga/dispatch-worker-command.js';
import { lambdaContext, WORKER_DISPATCH } from '../../harness.js';
import { conditionFailed } from '../../worker-fleet-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    WORKER_FLEET_TABLE_NAME: 'worker-fleet',
    WORKER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/worker',
    WORKER_FLEET_SIZE: '2',
    WORKER_LEASE_SECONDS: '15',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

const DISPATCH = WORKER_DISPATCH;

beforeEach(() => {
  dynamo.reset();
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('DispatchWorkerCommand handler', () => {
  it('claims a slot with a conditional put, then sends the command holding it to the worker queue', async () => {
    // Prepare
    dynamo
      .on(ScanCommand)
      .resolves({ Items: [{ slot: 'slot-000', leaseId: 'other', leasedUntilMs: Date.now() + 60_000 }] });
    dynamo.on(PutCommand).resolves({});

    // Act
    await dispatchWorkerCommand(DISPATCH, lambdaContext);

    // Assess
    const put = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put?.Item).toMatchObject({ slot: 'slot-001', leaseId: leaseIdOf('token-1') });
    expect(put?.ConditionExpression).toContain('attribute_not_exists(slot)');
    const sent = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '{}');
    expect(sent).toEqual({ ...DISPATCH, workerSlot: { slot: 'slot-001', leaseId: leaseIdOf('token-1') } });
  });

  it('throws WorkerFleetBusyError, sending nothing, when every claim is refused', async () => {
    // Prepare
    dynamo.on(ScanCommand).resolves({ Items: [] });
    dynamo.on(PutCommand).rejects(conditionFailed());

    // Act & Assess
    await expect(dispatchWorkerCommand(DISPATCH, lambdaContext)).rejects.toMatchObject({
      name: 'WorkerFleetBusyError',
    });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(2);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses a dispatch without a task token as invalid', async () => {
    await expect(dispatchWorkerCommand({ ...DISPATCH, taskToken: undefined }, lambdaContext)).rejects.toMatchObject({
      name: 'ValidationError',
    });
  });
});
