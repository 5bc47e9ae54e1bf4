/**
 * Fixtures for the provisioning tests: callers of each role, API Gateway events as the authorizer leaves them, stored
 * items as the tables hold them, a saga state, and readers for what was published to EventBridge.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { WorkerDispatch } from '../../../shared/contracts/provisioning-worker.js';
import {
  type ApiEventOptions,
  apiEvent as baseApiEvent,
  bodyOf,
  type Caller,
  lambdaContext,
} from '../support/lambda.js';

export const ENV = {
  POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
  TENANTS_TABLE_NAME: 'tenants-table',
  PROJECTS_TABLE_NAME: 'projects-table',
  RESOURCES_TABLE_NAME: 'resources-table',
  CAPACITY_TABLE_NAME: 'capacity-table',
  METERS_TABLE_NAME: 'meters-table',
  USAGE_TABLE_NAME: 'usage-table',
  IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
  EVENT_BUS_NAME: 'sagastack-bus',
  PROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:provision-saga',
  DEPROVISION_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:deprovision-saga',
  DEFAULT_TENANT_QUOTAS: JSON.stringify({ vcpu: 4, memoryGiB: 16, storageGiB: 100 }),
} as const;

export const ADMIN: Caller = { sub: 'user-ada', tenant: 'tenant-a', roles: ['tenant-admin'] };
export const MEMBER: Caller = { sub: 'user-max', tenant: 'tenant-a', roles: ['member'] };
export const VIEWER: Caller = { sub: 'user-vic', tenant: 'tenant-a', roles: ['viewer'] };
/** Authenticated in the tenant, but with roles of another context only. */
export const CUSTOMER: Caller = { sub: 'user-cal', tenant: 'tenant-a', roles: ['customer'] };
/** A tenant-admin of another tenant: everything of tenant-a must look absent to them. */
export const OTHER_TENANT_ADMIN: Caller = { sub: 'user-ada', tenant: 'tenant-b', roles: ['tenant-admin'] };

/** An API event from ADMIN unless the test names another caller. */
export function apiEvent(options: Partial<ApiEventOptions> = {}): APIGatewayProxyEvent {
  return baseApiEvent({ caller: ADMIN, ...options });
}

export const PROJECT_ID = 'prj_000000000000000000000001';
export const RESOURCE_ID = 'res_000000000000000000000001';
export const SRN = `srn:sagastack:eu-west-1:tenant-a:${PROJECT_ID}:vm/${RESOURCE_ID}`;
export const PROJECT_SRN = `srn:sagastack::tenant-a:${PROJECT_ID}:project/${PROJECT_ID}`;

export function projectItem(overrides: Record<string, unknown> = {}) {
  return {
    projectId: PROJECT_ID,
    tenantId: 'tenant-a',
    name: 'web shop',
    createdBy: ADMIN.sub,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function resourceItem(overrides: Record<string, unknown> = {}) {
  return {
    resourceId: RESOURCE_ID,
    srn: SRN,
    tenantId: 'tenant-a',
    projectId: PROJECT_ID,
    type: 'vm',
    flavor: 'vm.small',
    region: 'eu-west-1',
    name: 'web-1',
    status: 'ACTIVE',
    createdBy: MEMBER.sub,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function tenantItem(overrides: Record<string, unknown> = {}) {
  return {
    tenantId: 'tenant-a',
    quotas: { vcpu: 4, memoryGiB: 16, storageGiB: 100 },
    used: { vcpu: 0, memoryGiB: 0, storageGiB: 0 },
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export const SAGA_INPUT = {
  resourceId: RESOURCE_ID,
  srn: SRN,
  tenantId: 'tenant-a',
  projectId: PROJECT_ID,
  type: 'vm' as const,
  flavor: 'vm.small',
  region: 'eu-west-1',
  name: 'web-1',
  correlationId: 'corr-saga-0001',
  requestedBy: { sub: MEMBER.sub, tenant: 'tenant-a', roles: ['member'] },
  requestedAt: '2026-01-01T00:00:00.000Z',
};

export const VOLUME_SAGA_INPUT = {
  ...SAGA_INPUT,
  srn: `srn:sagastack:eu-west-1:tenant-a:${PROJECT_ID}:volume/${RESOURCE_ID}`,
  type: 'volume' as const,
  flavor: 'vol.standard-10',
  name: 'data-1',
};

export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** A cancelled transaction with one reason code per action, in the order the actions were sent. */
export const transactionCancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

/** Every entry published with PutEvents, with its detail parsed. */
export function publishedEvents(eventBridge: AwsClientStub<EventBridgeClient>) {
  return eventBridge.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      source: entry.Source,
      detailType: entry.DetailType,
      busName: entry.EventBusName,
      // biome-ignore lint/suspicious/noExplicitAny: tests read event details loosely and assert on them.
      detail: JSON.parse(entry.Detail ?? '{}') as any,
    })),
  );
}

/** The audit events published, as their `data`. */
export function auditRecords(eventBridge: AwsClientStub<EventBridgeClient>) {
  return publishedEvents(eventBridge)
    .filter((event) => event.detailType === 'AuditEvent.v1')
    .map((event) => event.detail.data);
}

/**
 * Just enough of Powertools' idempotency table (it talks to it through its own DynamoDBClient, mocked here):
 * conditional put refused while a record exists, update, get, delete.
 */

export { inMemoryIdempotencyTable } from '../support/idempotency-table.js';
export { bodyOf, type Caller, lambdaContext };

/** A worker command as the provisioning saga hands it to the dispatcher (and the dispatcher to the node agent). */
export const WORKER_DISPATCH = {
  command: 'provision',
  taskToken: 'token-1',
  resourceId: 'res_01',
  srn: 'srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_01',
  flavor: 'vm.small',
  region: 'eu-west-1',
  type: 'vm',
  correlationId: 'corr-1',
} as const satisfies WorkerDispatch;
