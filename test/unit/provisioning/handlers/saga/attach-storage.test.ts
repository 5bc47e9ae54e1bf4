import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as attachStorage } from '../../../../../functions/provisioning/handlers/saga/attach-storage.js';
import { StorageAttachment } from '../../../../../shared/contracts/provisioning-saga.js';
import { conditionFailed, lambdaContext, RESOURCE_ID, SAGA_INPUT, VOLUME_SAGA_INPUT } from '../../harness.js';
import { assignments, dynamo, prepareStores } from './resource-steps-harness.js';

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

/** The node agent's answer at `$.worker`, which AttachStorage, the first step after DispatchToWorker, checks. */
const WORKER = { nodeId: 'node-0a1b2c3d4e5f', ipAddress: '10.4.5.6' };
const VM = { ...SAGA_INPUT, worker: WORKER };
const VOLUME = { ...VOLUME_SAGA_INPUT, worker: WORKER };

beforeEach(prepareStores);

describe('AttachStorage step', () => {
  it('records a VM’s boot volume once', async () => {
    // Act
    const result = StorageAttachment.parse(await attachStorage(VM, lambdaContext));

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
    const result = await attachStorage(VM, lambdaContext);

    // Assess
    expect(result).toEqual({ attached: true, bootVolumeId: `bootvol_${RESOURCE_ID}` });
  });

  it('attaches nothing to a volume', async () => {
    // Act
    const result = await attachStorage(VOLUME, lambdaContext);

    // Assess
    expect(result).toEqual({ attached: false });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('throws NotFoundError when the resource is gone', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const attempt = attachStorage(VM, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
  });

  it.each([
    ['no answer at all', undefined],
    ['a node id that is a path', { nodeId: '../../nodes/other-tenant', ipAddress: '10.4.5.6' }],
    ['a node id with a NUL byte', { nodeId: 'node-1\u0000', ipAddress: '10.4.5.6' }],
    ['an address that is not IPv4', { nodeId: 'node-1', ipAddress: '10.4.5.6; rm -rf /' }],
    ['the answer to a destroy', { destroyed: true }],
    ['a string', 'node-1'],
  ])('refuses a worker answer that does not match its contract (%s) and writes nothing', async (_what, worker) => {
    // Act
    const attempt = attachStorage({ ...SAGA_INPUT, worker }, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ValidationError',
      details: expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^worker/) })]),
    });
    expect(dynamo.calls()).toHaveLength(0);
  });
});
