import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoWorkerFleet } from '../../../../functions/provisioning/adapters/dynamo-worker-fleet.js';
import { conditionFailed } from '../worker-fleet-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    WORKER_FLEET_TABLE_NAME: 'worker-fleet',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
});

describe('dynamoWorkerFleet', () => {
  it('renews and releases only while its lease holds the slot', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(DeleteCommand).resolves({});
    const fleet = dynamoWorkerFleet();

    // Act
    const renewal = await fleet.renew({ slot: 'slot-000', leaseId: 'l-1', untilMs: 5 });
    const release = await fleet.release({ slot: 'slot-000', leaseId: 'l-1' });

    // Assess
    expect(renewal).toBe('LOST');
    expect(release).toBe('RELEASED');
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: { slot: 'slot-000' },
      ConditionExpression: 'leaseId = :leaseId',
      ExpressionAttributeValues: { ':leaseId': 'l-1' },
    });
  });

  it('lets any other DynamoDB failure propagate, for the caller to retry', async () => {
    // Prepare
    dynamo
      .on(PutCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));

    // Act & Assess
    await expect(dynamoWorkerFleet().claim({ slot: 'slot-000', leaseId: 'l-1', untilMs: 2, nowMs: 1 })).rejects.toThrow(
      'throttled',
    );
  });
});
