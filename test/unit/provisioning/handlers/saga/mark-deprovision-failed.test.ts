import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as markDeprovisionFailed } from '../../../../../functions/provisioning/handlers/saga/mark-deprovision-failed.js';
import { auditRecords, lambdaContext, SAGA_INPUT, SRN } from '../../harness.js';
import { dynamo, eventBridge, prepareStores, stored } from './outcomes-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    PROJECTS_TABLE_NAME: 'projects-table',
    RESOURCES_TABLE_NAME: 'resources-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    EVENT_BUS_NAME: 'sagastack-bus',
  });
});

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('MarkDeprovisionFailed step', () => {
  it('records a failed deprovisioning: DEPROVISIONING → FAILED, audited as saga.deprovision', async () => {
    // Prepare
    stored({ status: 'DEPROVISIONING' });

    // Act
    const outcome = await markDeprovisionFailed(
      { ...SAGA_INPUT, failure: { Error: 'States.TaskFailed', Cause: 'worker unreachable' } },
      lambdaContext,
    );

    // Assess
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'DEPROVISIONING' });
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain('FAILED');
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({ action: 'saga.deprovision', outcome: 'FAILED', srn: SRN }),
    ]);
  });
});
