import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as detachStorage } from '../../../../../functions/provisioning/handlers/saga/detach-storage.js';
import { conditionFailed, lambdaContext, SAGA_INPUT, VOLUME_SAGA_INPUT } from '../../harness.js';
import { dynamo, prepareStores } from './resource-steps-harness.js';

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

beforeEach(prepareStores);

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
