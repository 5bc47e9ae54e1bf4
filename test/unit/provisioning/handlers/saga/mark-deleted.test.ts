import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as markDeleted } from '../../../../../functions/provisioning/handlers/saga/mark-deleted.js';
import { ResourceDeleted } from '../../../../../shared/contracts/events/provisioning-events.js';
import { OutcomeEvent } from '../../../../../shared/contracts/provisioning-saga.js';
import {
  auditRecords,
  conditionFailed,
  lambdaContext,
  PROJECT_ID,
  RESOURCE_ID,
  SAGA_INPUT,
  SRN,
} from '../../harness.js';
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

describe('MarkDeleted step', () => {
  it('moves the resource DEPROVISIONING → DELETED, audits and returns ResourceDeleted.v1', async () => {
    // Act
    const outcome = OutcomeEvent.parse(await markDeleted(SAGA_INPUT, lambdaContext));

    // Assess
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'DEPROVISIONING' });
    expect(Object.values(update?.ExpressionAttributeValues ?? {})).toContain('DELETED');
    expect(outcome).toMatchObject({ detailType: 'ResourceDeleted.v1', source: 'sagastack.provisioning' });
    expect(ResourceDeleted.detail.parse(outcome.detail).data).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      tenantId: 'tenant-a',
      projectId: PROJECT_ID,
      type: 'vm',
      flavor: 'vm.small',
      region: 'eu-west-1',
    });
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({
        action: 'saga.deprovision',
        outcome: 'SUCCEEDED',
        srn: SRN,
        actor: { system: 'saga' },
      }),
    ]);
  });

  it('answers the same when repeated on a DELETED resource', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'DELETED' });

    // Act
    const outcome = await markDeleted(SAGA_INPUT, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceDeleted.v1');
  });

  it('throws NotFoundError for a resource without a record', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const attempt = markDeleted(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});
