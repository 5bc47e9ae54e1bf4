import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as configureNetwork } from '../../../../../functions/provisioning/handlers/saga/configure-network.js';
import { NetworkConfiguration } from '../../../../../shared/contracts/provisioning-saga.js';
import { conditionFailed, lambdaContext, SAGA_INPUT, VOLUME_SAGA_INPUT } from '../../harness.js';
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
const WORKER = { nodeId: 'node-0a1b2c3d4e5f', ipAddress: '10.4.5.6' };

beforeEach(prepareStores);

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
