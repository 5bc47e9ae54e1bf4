import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_PROVISIONING_MESSAGE } from '../../../../../functions/provisioning/domain/failures.js';
import { handler as getResource } from '../../../../../functions/provisioning/handlers/api/get-resource.js';
import { ResourceView } from '../../../../../shared/contracts/provisioning-api.js';
import {
  ADMIN,
  apiEvent,
  auditRecords,
  bodyOf,
  type Caller,
  CUSTOMER,
  ENV,
  executionArnOf,
  lambdaContext,
  OTHER_TENANT_ADMIN,
  RESOURCE_ID,
  resourceItem,
  SRN,
  VIEWER,
} from '../../harness.js';
import { DEPROVISION_ARN, dynamo, eventBridge, prepareStores, sfn, stored } from './resources-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    RESOURCES_TABLE_NAME: 'resources-table',
    EVENT_BUS_NAME: 'sagastack-bus',
    PROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:provision-saga',
    DEPROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:deprovision-saga',
  });
});

const PROVISION_ARN = executionArnOf(ENV.PROVISION_STATE_MACHINE_ARN, RESOURCE_ID);

/** A small history: one task state per name, each scheduled once and ending as given. */
function historyOf(start: number, ...steps: Array<[string, 'TaskSucceeded' | 'TaskFailed']>): HistoryEvent[] {
  let id = 0;
  const event = (type: string, extra: Partial<HistoryEvent> = {}): HistoryEvent => {
    id += 1;
    return {
      id,
      previousEventId: id - 1,
      type: type as HistoryEvent['type'],
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, start + id)),
      ...extra,
    };
  };
  return steps.flatMap(([name, outcome]) => [
    event('TaskStateEntered', { stateEnteredEventDetails: { name } }),
    event('TaskScheduled'),
    event('TaskStarted'),
    event(outcome),
  ]);
}

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
});

const get = (caller: Caller = VIEWER, resourceId = RESOURCE_ID) =>
  getResource(apiEvent({ caller, pathParameters: { resourceId } }), lambdaContext);

describe('GET /resources/{resourceId}', () => {
  it('shows an active resource with its node, address and the steps of its saga', async () => {
    // Prepare
    stored({ executionArn: PROVISION_ARN, nodeId: 'node-1', ipAddress: '10.1.2.3', quotaHeld: { vcpu: 1 } });
    sfn.on(GetExecutionHistoryCommand, { executionArn: PROVISION_ARN }).resolves({
      events: historyOf(0, ['ValidateRequest', 'TaskSucceeded'], ['ReserveQuota', 'TaskSucceeded']),
    });

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(200);
    const view = ResourceView.parse(bodyOf(response));
    expect(view).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      projectId: resourceItem().projectId,
      type: 'vm',
      flavor: 'vm.small',
      region: 'eu-west-1',
      name: 'web-1',
      status: 'ACTIVE',
      nodeId: 'node-1',
      ipAddress: '10.1.2.3',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      steps: [
        { name: 'ValidateRequest', status: 'SUCCEEDED', at: '2026-01-01T00:00:04.000Z' },
        { name: 'ReserveQuota', status: 'SUCCEEDED', at: '2026-01-01T00:00:08.000Z' },
      ],
    });
    // Internal bookkeeping stays inside.
    expect(bodyOf(response).quotaHeld).toBeUndefined();
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it('follows the provision steps with the deprovision steps', async () => {
    // Prepare
    stored({ status: 'DELETED', executionArn: PROVISION_ARN, deprovisionExecutionArn: DEPROVISION_ARN });
    sfn.on(GetExecutionHistoryCommand, { executionArn: PROVISION_ARN }).resolves({
      events: historyOf(0, ['MarkActive', 'TaskSucceeded']),
    });
    sfn.on(GetExecutionHistoryCommand, { executionArn: DEPROVISION_ARN }).resolves({
      events: historyOf(100, ['StopBilling', 'TaskSucceeded'], ['MarkDeleted', 'TaskSucceeded']),
    });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response).steps.map((step: { name: string }) => step.name)).toEqual([
      'MarkActive',
      'StopBilling',
      'MarkDeleted',
    ]);
    expect(bodyOf(response).status).toBe('DELETED');
  });

  it('shows a failed resource with its failure', async () => {
    // Prepare
    stored({
      status: 'FAILED',
      failure: { code: 'WORKER_TIMEOUT', message: 'The node agent did not report back in time' },
    });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'WORKER_TIMEOUT', message: 'The node agent did not report back in time' },
      steps: [],
    });
  });

  it('shows a PROVISIONING resource whose saga died without an outcome as FAILED INTERNAL', async () => {
    // Prepare
    stored({ status: 'PROVISIONING', executionArn: PROVISION_ARN });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT' });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'INTERNAL', message: INTERNAL_PROVISIONING_MESSAGE },
    });
  });

  it('keeps a PROVISIONING resource whose saga runs PROVISIONING', async () => {
    // Prepare
    stored({ status: 'PROVISIONING', executionArn: PROVISION_ARN });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response).status).toBe('PROVISIONING');
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });

  it('shows no steps when the execution is gone (past Step Functions retention)', async () => {
    // Prepare
    stored({ executionArn: PROVISION_ARN });
    sfn.on(GetExecutionHistoryCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).steps).toEqual([]);
  });

  it('answers 404, not 403, to another tenant, and reads no history', async () => {
    // Act
    const response = await get(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error.message).toBe(`Resource ${RESOURCE_ID} was not found`);
    expect(sfn.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers 404 for a resource that does not exist', async () => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'resources-table' }).resolves({});

    // Act
    const response = await get(ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('answers 403 and audits DENIED to a caller of the tenant without a provisioning role', async () => {
    // Act
    const response = await get(CUSTOMER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(auditRecords(eventBridge)).toEqual([
      expect.objectContaining({ action: 'resource.read', outcome: 'DENIED', srn: SRN }),
    ]);
    expect(sfn.calls()).toHaveLength(0);
  });
});
