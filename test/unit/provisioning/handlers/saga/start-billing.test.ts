import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as attachStorage } from '../../../../functions/provisioning/handlers/saga/attach-storage.js';
import { handler as configureNetwork } from '../../../../functions/provisioning/handlers/saga/configure-network.js';
import { handler as detachStorage } from '../../../../functions/provisioning/handlers/saga/detach-storage.js';
import { handler as startBilling } from '../../../../functions/provisioning/handlers/saga/start-billing.js';
import { handler as stopBilling } from '../../../../functions/provisioning/handlers/saga/stop-billing.js';
import {
  MeterStarted,
  NetworkConfiguration,
  StorageAttachment,
} from '../../../../shared/contracts/provisioning-saga.js';
import {
  conditionFailed,
  lambdaContext,
  RESOURCE_ID,
  resourceItem,
  SAGA_INPUT,
  SRN,
  VOLUME_SAGA_INPUT,
} from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    RESOURCES_TABLE_NAME: 'resources-table',
    METERS_TABLE_NAME: 'meters-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const WORKER = { nodeId: 'node-0a1b2c3d4e5f', ipAddress: '10.4.5.6' };

beforeEach(() => {
  dynamo.reset();
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(PutCommand).resolves({});
  dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({ Item: resourceItem() });
});

/** The attribute values an update sets, by attribute name (placeholders resolved). */
function assignments(index = 0): Record<string, unknown> {
  const input = dynamo.commandCalls(UpdateCommand)[index]?.args[0].input;
  const names = input?.ExpressionAttributeNames ?? {};
  const values = input?.ExpressionAttributeValues ?? {};
  const pairs = [...(input?.UpdateExpression ?? '').matchAll(/(#s\d+) = (:s\d+)/g)];
  return Object.fromEntries(pairs.map(([, name = '', value = '']) => [names[name], values[value]]));
}

describe('AttachStorage step', () => {
  it('records a VM’s boot volume once', async () => {
    // Act
    const result = StorageAttachment.parse(await attachStorage(SAGA_INPUT, lambdaContext));

    // Assess
    expect(result).toEqual({ attached: true, bootVolumeId: `bootvol_${RESOURCE_ID}` });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ConditionExpression).toBe('attribute_exists(resourceId) AND attribute_not_exists(#storage)');
    expect(assignments().storage).toEqual({ bootVolumeId: `bootvol_${RESOURCE_ID}`, attachedAt: expect.any(String) });
  });

  it('answers the same when the boot volume is attached already (a repeated step)', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const result = await attachStorage(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ attached: true, bootVolumeId: `bootvol_${RESOURCE_ID}` });
  });

  it('attaches nothing to a volume', async () => {
    // Act
    const result = await attachStorage(VOLUME_SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ attached: false });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('throws NotFoundError when the resource is gone', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const attempt = attachStorage(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('DetachStorage step', () => {
  it('removes a VM’s boot volume', async () => {
    // Act
    const result = await detachStorage(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ detached: true });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.UpdateExpression).toContain('REMOVE #r0');
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#r0': 'storage' });
    expect(update?.ConditionExpression).toBe('attribute_exists(resourceId) AND attribute_exists(#storage)');
  });

  it('is a no-op when nothing was attached', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const result = await detachStorage(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ detached: false });
  });

  it('is a no-op for a volume', async () => {
    // Act
    const result = await detachStorage(VOLUME_SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ detached: false });
    expect(dynamo.calls()).toHaveLength(0);
  });
});

describe('ConfigureNetwork step', () => {
  it('records a VM’s node, address and network from the worker’s answer', async () => {
    // Act
    const result = NetworkConfiguration.parse(await configureNetwork({ ...SAGA_INPUT, worker: WORKER }, lambdaContext));

    // Assess
    expect(result).toEqual({ configured: true, networkId: 'net-eu-west-1', ipAddress: '10.4.5.6' });
    expect(assignments()).toMatchObject({
      nodeId: 'node-0a1b2c3d4e5f',
      ipAddress: '10.4.5.6',
      networkId: 'net-eu-west-1',
    });
  });

  it('records only the node of a volume', async () => {
    // Act
    const result = await configureNetwork({ ...VOLUME_SAGA_INPUT, worker: WORKER }, lambdaContext);

    // Assess
    expect(result).toEqual({ configured: false });
    expect(assignments().nodeId).toBe('node-0a1b2c3d4e5f');
    expect(assignments().ipAddress).toBeUndefined();
  });

  it('requires the worker’s answer at $.worker', async () => {
    // Act
    const attempt = configureNetwork(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('throws NotFoundError when the resource is gone', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const attempt = configureNetwork({ ...SAGA_INPUT, worker: WORKER }, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('StartBilling step', () => {
  it('starts one meter m_<resourceId> at the flavor’s rate, with a condition', async () => {
    // Act
    const result = MeterStarted.parse(await startBilling(SAGA_INPUT, lambdaContext));

    // Assess
    expect(result).toEqual({
      meterId: `m_${RESOURCE_ID}`,
      startedAt: expect.any(String),
      ratePerHourMicros: 11_600,
      alreadyStarted: false,
    });
    const [put] = dynamo.commandCalls(PutCommand);
    expect(put?.args[0].input).toEqual({
      TableName: 'meters-table',
      ConditionExpression: 'attribute_not_exists(meterId)',
      Item: {
        resourceId: RESOURCE_ID,
        meterId: `m_${RESOURCE_ID}`,
        projectId: SAGA_INPUT.projectId,
        tenantId: 'tenant-a',
        srn: SRN,
        flavor: 'vm.small',
        ratePerHourMicros: 11_600,
        startedAt: result.startedAt,
      },
    });
  });

  it('starts no second meter when repeated, answering the first one', async () => {
    // Prepare
    const first = {
      resourceId: RESOURCE_ID,
      meterId: `m_${RESOURCE_ID}`,
      projectId: SAGA_INPUT.projectId,
      tenantId: 'tenant-a',
      srn: SRN,
      flavor: 'vm.small',
      ratePerHourMicros: 11_600,
      startedAt: '2026-01-01T00:05:00.000Z',
    };
    dynamo.on(PutCommand, { TableName: 'meters-table' }).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'meters-table' }).resolves({ Item: first });

    // Act
    const result = await startBilling(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({
      meterId: `m_${RESOURCE_ID}`,
      startedAt: '2026-01-01T00:05:00.000Z',
      ratePerHourMicros: 11_600,
      alreadyStarted: true,
    });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { resourceId: RESOURCE_ID, meterId: `m_${RESOURCE_ID}` },
      ConsistentRead: true,
    });
  });

  it('meters a volume at its own rate', async () => {
    // Act
    const result = await startBilling(VOLUME_SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toMatchObject({ ratePerHourMicros: 1_370 });
  });
});

describe('StopBilling step', () => {
  it('sets stoppedAt on the running meter, once', async () => {
    // Act
    const result = await stopBilling(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ meterId: `m_${RESOURCE_ID}`, stopped: true });
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update).toMatchObject({
      TableName: 'meters-table',
      Key: { resourceId: RESOURCE_ID, meterId: `m_${RESOURCE_ID}` },
      UpdateExpression: 'SET stoppedAt = :at',
      ConditionExpression: 'attribute_exists(meterId) AND attribute_not_exists(stoppedAt)',
    });
  });

  it('is a no-op when no meter was started, or it is stopped already', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    // Act
    const result = await stopBilling(SAGA_INPUT, lambdaContext);

    // Assess
    expect(result).toEqual({ meterId: `m_${RESOURCE_ID}`, stopped: false });
  });

  it('lets other DynamoDB errors through for the saga to retry', async () => {
    // Prepare
    const throttled = new Error('Rate exceeded');
    throttled.name = 'ThrottlingException';
    dynamo.on(UpdateCommand).rejects(throttled);

    // Act
    const attempt = stopBilling(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
