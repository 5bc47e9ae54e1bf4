import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as stopBilling } from '../../../../../functions/provisioning/handlers/saga/stop-billing.js';
import { conditionFailed, lambdaContext, RESOURCE_ID, SAGA_INPUT } from '../../harness.js';
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
