import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_PROVISIONING_MESSAGE } from '../../../../../functions/provisioning/domain/failures.js';
import { handler as markFailed } from '../../../../../functions/provisioning/handlers/saga/mark-failed.js';
import { ResourceProvisioningFailed } from '../../../../../shared/contracts/events/provisioning-events.js';
import { OutcomeEvent } from '../../../../../shared/contracts/provisioning-saga.js';
import { auditRecords, conditionFailed, lambdaContext, SAGA_INPUT, SRN } from '../../harness.js';
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

const lambdaCause = (errorType: string, errorMessage: string) =>
  JSON.stringify({ errorType, errorMessage, trace: ['at secret/internal/path.js:1:1'] });

describe('MarkFailed step', () => {
  it.each([
    [
      'QuotaExceededError',
      lambdaCause('QuotaExceededError', 'vcpu needs 8, 3 left'),
      'QUOTA_EXCEEDED',
      'vcpu needs 8, 3 left',
    ],
    [
      'CapacityUnavailableError',
      lambdaCause('CapacityUnavailableError', 'No capacity left'),
      'CAPACITY_UNAVAILABLE',
      'No capacity left',
    ],
    [
      'ProvisioningFailedError',
      'flavor vm.test-fail always fails (simulated)',
      'PROVISIONING_FAILED',
      'flavor vm.test-fail always fails (simulated)',
    ],
    ['States.HeartbeatTimeout', undefined, 'WORKER_TIMEOUT', 'The node agent did not report back in time'],
    ['States.Timeout', 'timed out', 'WORKER_TIMEOUT', 'The node agent did not report back in time'],
    ['States.TaskFailed', 'arn:secret', 'INTERNAL', INTERNAL_PROVISIONING_MESSAGE],
  ])(
    'records %s as %s, audits FAILED and returns ResourceProvisioningFailed.v1',
    async (error, cause, code, message) => {
      // Act
      const outcome = OutcomeEvent.parse(
        await markFailed({ ...SAGA_INPUT, failure: { Error: error, Cause: cause } }, lambdaContext),
      );

      // Assess
      const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
      expect(update?.ExpressionAttributeValues).toMatchObject({ ':from0': 'PROVISIONING', ':from1': 'ACTIVE' });
      expect(Object.values(update?.ExpressionAttributeValues ?? {})).toEqual(
        expect.arrayContaining(['FAILED', { code, message }]),
      );
      expect(outcome).toMatchObject({ detailType: 'ResourceProvisioningFailed.v1', source: 'sagastack.provisioning' });
      expect(ResourceProvisioningFailed.detail.parse(outcome.detail).data).toMatchObject({ srn: SRN, code, message });
      expect(auditRecords(eventBridge)).toEqual([
        expect.objectContaining({
          action: 'saga.provision',
          outcome: 'FAILED',
          srn: SRN,
          actor: { system: 'saga' },
          details: expect.objectContaining({ code, message }),
        }),
      ]);
    },
  );

  it('keeps the first failure when repeated on a FAILED resource', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'FAILED', failure: { code: 'QUOTA_EXCEEDED', message: 'first' } });

    // Act
    const outcome = await markFailed({ ...SAGA_INPUT, failure: { Error: 'States.Timeout' } }, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('records nothing for a resource deleted since (a failure record replayed long after), and does not fail', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    stored({ status: 'DELETED' });

    // Act
    const outcome = await markFailed({ ...SAGA_INPUT, failure: { Error: 'States.Timeout' } }, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('still announces the failure when the resource has no record', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const outcome = await markFailed({ ...SAGA_INPUT, failure: { Error: 'NotFoundError' } }, lambdaContext);

    // Assess
    expect(outcome.detailType).toBe('ResourceProvisioningFailed.v1');
    expect(auditRecords(eventBridge)).toHaveLength(1);
  });

  it('requires the caught failure at $.failure', async () => {
    // Act
    const attempt = markFailed(SAGA_INPUT, lambdaContext);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ValidationError' });
  });
});
