import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as startBilling } from '../../../../../functions/provisioning/handlers/saga/start-billing.js';
import { MeterStarted } from '../../../../../shared/contracts/provisioning-saga.js';
import { conditionFailed, lambdaContext, RESOURCE_ID, SAGA_INPUT, SRN, VOLUME_SAGA_INPUT } from '../../harness.js';
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
