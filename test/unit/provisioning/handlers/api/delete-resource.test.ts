import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as deleteResource } from '../../../../../functions/provisioning/handlers/api/delete-resource.js';
import { ResourceDeletionAccepted } from '../../../../../shared/contracts/provisioning-api.js';
import { DeprovisionSagaInput } from '../../../../../shared/contracts/provisioning-saga.js';
import {
  ADMIN,
  apiEvent,
  auditRecords,
  bodyOf,
  type Caller,
  conditionFailed,
  ENV,
  lambdaContext,
  MEMBER,
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

beforeEach(prepareStores);

afterEach(() => {
  vi.restoreAllMocks();
});

const remove = (caller: Caller = MEMBER) =>
  deleteResource(apiEvent({ method: 'DELETE', caller, pathParameters: { resourceId: RESOURCE_ID } }), lambdaContext);

describe('DELETE /resources/{resourceId}', () => {
  it('moves an ACTIVE resource to DEPROVISIONING, starts its deprovision saga, answers 202 and audits', async () => {
    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(ResourceDeletionAccepted.parse(bodyOf(response))).toEqual({
      resourceId: RESOURCE_ID,
      srn: SRN,
      status: 'DEPROVISIONING',
    });

    const [transition, attach] = dynamo.commandCalls(UpdateCommand);
    expect(transition?.args[0].input).toMatchObject({ TableName: 'resources-table', Key: { resourceId: RESOURCE_ID } });
    expect(Object.values(transition?.args[0].input.ExpressionAttributeValues ?? {})).toEqual(
      expect.arrayContaining(['DEPROVISIONING', 'ACTIVE', 'FAILED']),
    );
    expect(transition?.args[0].input.ConditionExpression).toContain('#status IN');
    expect(Object.values(attach?.args[0].input.ExpressionAttributeValues ?? {})).toContain(DEPROVISION_ARN);

    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input).toMatchObject({
      stateMachineArn: ENV.DEPROVISION_STATE_MACHINE_ARN,
      name: `${RESOURCE_ID}-delete`,
    });
    expect(DeprovisionSagaInput.parse(JSON.parse(start?.args[0].input.input ?? '{}'))).toMatchObject({
      resourceId: RESOURCE_ID,
      srn: SRN,
      requestedBy: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
      correlationId: 'corr-test-0001',
    });
    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.any(String),
        action: 'resource.delete',
        outcome: 'SUCCEEDED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
        details: { previousStatus: 'ACTIVE' },
      },
    ]);
  });

  it('deletes a FAILED resource too', async () => {
    // Prepare
    stored({ status: 'FAILED' });

    // Act
    const response = await remove(ADMIN);

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(auditRecords(eventBridge)[0]?.details).toEqual({ previousStatus: 'FAILED' });
  });

  it('deletes again a resource whose deprovisioning failed, with a saga of a new name for the new attempt', async () => {
    // Prepare: the first attempt's saga (`-delete`) ran and failed; its name can never run again.
    stored({ status: 'FAILED', deletionAttempts: 1, deprovisionExecutionArn: DEPROVISION_ARN });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    const [transition] = dynamo.commandCalls(UpdateCommand);
    expect(transition?.args[0].input.UpdateExpression).toContain('REMOVE');
    expect(Object.values(transition?.args[0].input.ExpressionAttributeNames ?? {})).toEqual(
      expect.arrayContaining(['deletionAttempts', 'deprovisionExecutionArn']),
    );
    expect(Object.values(transition?.args[0].input.ExpressionAttributeValues ?? {})).toContain(2);
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input.name).toBe(`${RESOURCE_ID}-delete-2`);
    expect(JSON.parse(start?.args[0].input.input ?? '{}').deletionAttempt).toBe(2);
  });

  it('answers a repeat for a DEPROVISIONING resource with the same 202, starting no second saga', async () => {
    // Prepare
    stored({ status: 'DEPROVISIONING', deprovisionExecutionArn: DEPROVISION_ARN });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ resourceId: RESOURCE_ID, srn: SRN, status: 'DEPROVISIONING' });
    expect(sfn.calls()).toHaveLength(0);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(auditRecords(eventBridge)[0]?.details).toEqual({ previousStatus: 'DEPROVISIONING', repeated: true });
  });

  it('answers 202 DELETED for a resource already deleted', async () => {
    // Prepare
    stored({ status: 'DELETED', deprovisionExecutionArn: DEPROVISION_ARN });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ resourceId: RESOURCE_ID, srn: SRN, status: 'DELETED' });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('starts the saga of a DEPROVISIONING resource whose earlier request could not start it', async () => {
    // Prepare
    stored({ status: 'DEPROVISIONING' });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('takes an existing deprovision execution as this deletion’s saga', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(202);
    const attach = dynamo.commandCalls(UpdateCommand)[1];
    expect(Object.values(attach?.args[0].input.ExpressionAttributeValues ?? {})).toContain(DEPROVISION_ARN);
  });

  it('refuses a resource still PROVISIONING with 409 RESOURCE_BUSY', async () => {
    // Prepare
    stored({ status: 'PROVISIONING' });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(bodyOf(response).error.code).toBe('RESOURCE_BUSY');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 409 when the resource moved elsewhere between the read and the write', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo
      .on(GetCommand, { TableName: 'resources-table' })
      .resolvesOnce({ Item: resourceItem() })
      .resolves({ Item: resourceItem({ status: 'DELETED' }) });

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(409);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 503 when the deprovision saga cannot be started, leaving it for the retry', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new Error('Rate exceeded'));

    // Act
    const response = await remove();

    // Assess
    expect(response.statusCode).toBe(503);
    expect(auditRecords(eventBridge)).toEqual([]);
  });

  it('answers 404, not 403, to another tenant, changing nothing', async () => {
    // Act
    const response = await remove(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('refuses a viewer with 403, changes nothing, and publishes a DENIED audit event', async () => {
    // Act
    const response = await remove(VIEWER);

    // Assess
    expect(response.statusCode).toBe(403);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
    expect(auditRecords(eventBridge)).toEqual([
      {
        eventId: expect.any(String),
        action: 'resource.delete',
        outcome: 'DENIED',
        srn: SRN,
        tenantId: 'tenant-a',
        actor: { sub: VIEWER.sub, tenant: 'tenant-a', roles: ['viewer'] },
        details: { requiredRole: 'member' },
      },
    ]);
  });
});
