/**
 * Helpers of the provisioning scenarios: tenants, projects and resources through the API, and the provisioning
 * context's tables, executions and functions through the unchanged SDK clients. Like `target.ts`, nothing here knows
 * which target it talks to.
 */
import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, type ExecutionListItem, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type ApiResponse, aws, type Caller, call, eventually, output, target } from './target.js';

type Role = 'tenant-admin' | 'member' | 'viewer';

export interface Amounts {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly storageGiB: number;
}

/** The catalog's sizes and rates (the flavor table): what a resource takes from quota and what it costs. */
export const FLAVOR = {
  'vm.small': { vcpu: 1, memoryGiB: 2, storageGiB: 0, ratePerHourMicros: 11_600 },
  'vm.large': { vcpu: 8, memoryGiB: 32, storageGiB: 0, ratePerHourMicros: 332_800 },
  'vm.test-fail': { vcpu: 1, memoryGiB: 2, storageGiB: 0, ratePerHourMicros: 11_600 },
  'vm.test-hang': { vcpu: 1, memoryGiB: 2, storageGiB: 0, ratePerHourMicros: 11_600 },
} as const;
export type FlavorName = keyof typeof FLAVOR;

export const NO_USAGE: Amounts = { vcpu: 0, memoryGiB: 0, storageGiB: 0 };

/** A tenant of its own for one test, so quotas, capacity deltas and audit trails never collide. */
function newTenant(): string {
  return `tenant-${randomUUID().slice(0, 8)}`;
}

/** Someone of `tenant` holding `role`. */
function tenantUser(tenant: string, role: Role): Caller {
  return { sub: `user-${randomUUID().slice(0, 8)}`, tenant, roles: [role] };
}

/** The people a scenario needs in one tenant: an administrator (projects), a member (resources), a viewer (reads). */
export function tenantTeam(tenant = newTenant()) {
  return {
    tenant,
    admin: tenantUser(tenant, 'tenant-admin'),
    member: tenantUser(tenant, 'member'),
    viewer: tenantUser(tenant, 'viewer'),
  };
}

/** Creates a project through the API (tenant-admin); answers its id. */
export async function createProject(admin: Caller, name = `project-${randomUUID().slice(0, 8)}`): Promise<string> {
  const response = await call('POST', 'projects', {
    caller: admin,
    headers: { 'Idempotency-Key': `key-${randomUUID()}` },
    body: { name },
  });
  if (response.status !== 201) throw new Error(`Could not create a project: ${response.status} ${response.text}`);
  return response.body.projectId as string;
}

export interface ResourceRequest {
  readonly type?: 'vm' | 'volume';
  readonly flavor: string;
  readonly region: string;
  readonly name?: string;
}

/** Every resource a scenario got accepted, and who asked: what `deprovisionLeftovers` cleans up. */
const accepted = new Map<string, Caller>();

/** POST /projects/{projectId}/resources; answers the raw response (202, or the refusal). */
export async function requestResource(
  caller: Caller,
  projectId: string,
  request: ResourceRequest,
  idempotencyKey = `key-${randomUUID()}`,
): Promise<ApiResponse> {
  const response = await call('POST', `projects/${projectId}/resources`, {
    caller,
    headers: { 'Idempotency-Key': idempotencyKey },
    body: {
      type: request.type ?? 'vm',
      flavor: request.flavor,
      region: request.region,
      name: request.name ?? `res-${randomUUID().slice(0, 8)}`,
    },
  });
  if (response.status === 202) accepted.set(response.body.resourceId, caller);
  return response;
}

/**
 * Deletes the resources the scenarios left ACTIVE and waits for them to be gone, so that running the suite again on a
 * long-lived target (LocalStack, AWS) does not run out of seeded capacity. For an `afterAll`, never asserted on.
 */
export async function deprovisionLeftovers(): Promise<void> {
  const leftovers = [...accepted];
  accepted.clear();
  await Promise.all(
    leftovers.map(async ([resourceId, caller]) => {
      const current = await call('GET', `resources/${resourceId}`, { caller });
      if (current.status !== 200 || current.body.status !== 'ACTIVE') return;
      await call('DELETE', `resources/${resourceId}`, { caller });
      await settledResource(caller, resourceId);
    }),
  );
}

export interface ResourceView {
  resourceId: string;
  srn: string;
  projectId: string;
  type: 'vm' | 'volume';
  flavor: string;
  region: string;
  name: string;
  status: 'PROVISIONING' | 'ACTIVE' | 'FAILED' | 'DEPROVISIONING' | 'DELETED';
  failure?: { code: string; message: string };
  nodeId?: string;
  ipAddress?: string;
  createdAt: string;
  updatedAt: string;
  steps: Array<{ name: string; status: string; at: string }>;
}

/** The canonical name of a resource. */
export function srnOf(r: { region: string; tenant: string; projectId: string; type: string; resourceId: string }) {
  return `srn:sagastack:${r.region}:${r.tenant}:${r.projectId}:${r.type}/${r.resourceId}`;
}

/** The canonical name of a project (global: no region; its own project). */
export function projectSrnOf(tenant: string, projectId: string): string {
  return `srn:sagastack::${tenant}:${projectId}:project/${projectId}`;
}

const UNSETTLED = new Set(['PROVISIONING', 'DEPROVISIONING']);

/**
 * Waits until the resource has left PROVISIONING/DEPROVISIONING and its sagas have ended (the outcome is recorded
 * before the saga publishes it), then answers its final view, with every step.
 */
export async function settledResource(caller: Caller, resourceId: string, timeoutMs = 30_000): Promise<ResourceView> {
  const what = `resource ${resourceId} to settle`;
  await eventually(
    () => call('GET', `resources/${resourceId}`, { caller }),
    (r) => r.status === 200 && !UNSETTLED.has(r.body.status),
    { timeoutMs, what },
  );
  await eventually(
    async () => [
      ...(await executionsNamed('ProvisionStateMachineArn', resourceId)),
      ...(await executionsNamed('DeprovisionStateMachineArn', `${resourceId}-delete`)),
    ],
    (executions) => executions.every((execution) => execution.status !== 'RUNNING'),
    { timeoutMs, what: `the sagas of ${resourceId} to end` },
  );
  const response = await call('GET', `resources/${resourceId}`, { caller });
  if (response.status !== 200) throw new Error(`Could not read ${resourceId}: ${response.status} ${response.text}`);
  return response.body as ResourceView;
}

/** The stored resource item (RESOURCES table), or undefined. */
export async function resourceItem(resourceId: string) {
  const { Item } = await aws.dynamodb.send(
    new GetCommand({ TableName: output('ResourcesTableName'), Key: { resourceId }, ConsistentRead: true }),
  );
  return Item;
}

/** The tenant's quota item (TENANTS table), or undefined while the tenant has reserved nothing yet. */
async function tenantItem(tenantId: string) {
  const { Item } = await aws.dynamodb.send(
    new GetCommand({ TableName: output('TenantsTableName'), Key: { tenantId }, ConsistentRead: true }),
  );
  return Item as { tenantId: string; quotas: Amounts; used: Amounts; updatedAt: string } | undefined;
}

/** What the tenant uses now: a tenant without an item uses nothing. */
export async function tenantUsage(tenantId: string): Promise<Amounts> {
  return (await tenantItem(tenantId))?.used ?? NO_USAGE;
}

/** A capacity row (`<region>#<flavor>`). */
export async function capacityRow(region: string, flavor: string) {
  const { Item } = await aws.dynamodb.send(
    new GetCommand({
      TableName: output('CapacityTableName'),
      Key: { pk: `${region}#${flavor}` },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`No capacity row ${region}#${flavor}: is the capacity table seeded?`);
  return Item as { pk: string; region: string; flavor: string; total: number; used: number };
}

export interface MeterItem {
  resourceId: string;
  meterId: string;
  projectId: string;
  tenantId: string;
  srn: string;
  flavor: string;
  ratePerHourMicros: number;
  startedAt: string;
  stoppedAt?: string;
}

/** The billing meters of a resource (METERS table). */
export async function metersOf(resourceId: string): Promise<MeterItem[]> {
  const { Items } = await aws.dynamodb.send(
    new QueryCommand({
      TableName: output('MetersTableName'),
      KeyConditionExpression: 'resourceId = :resourceId',
      ExpressionAttributeValues: { ':resourceId': resourceId },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []) as MeterItem[];
}

/** Executions of a state machine (by output name) with this name. Step Functions has no name filter: we filter. */
export async function executionsNamed(stateMachineOutput: string, name: string): Promise<ExecutionListItem[]> {
  return (await executionsOf(stateMachineOutput)).filter((execution) => execution.name === name);
}

/** Executions of a state machine (by output name), newest first; stops paging at `since` when given. */
export async function executionsOf(stateMachineOutput: string, since?: Date): Promise<ExecutionListItem[]> {
  const executions: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await aws.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: output(stateMachineOutput), maxResults: 100, nextToken }),
    );
    const items = page.executions ?? [];
    executions.push(...items);
    nextToken = page.nextToken;
    if (since && items.some((item) => item.startDate && item.startDate < since)) break;
  } while (nextToken);
  return since ? executions.filter((item) => item.startDate && item.startDate >= since) : executions;
}

/** The saga input of an execution, e.g. to tell whose it is. */
export async function executionInput(executionArn: string): Promise<Record<string, unknown>> {
  const { input } = await aws.sfn.send(new DescribeExecutionCommand({ executionArn }));
  return JSON.parse(input ?? '{}') as Record<string, unknown>;
}

/**
 * Runs the billing worker once, as its schedule would: invokes the function with the Scheduled Event its EventBridge
 * rule delivers (on the local cloud, `npm run rule -- fire BillingSchedule` does the same). Answers the run's summary
 * and the instant it computed usage up to.
 */
export async function runBillingWorker(asOf = new Date()) {
  const time = asOf.toISOString();
  const event = {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time,
    region: target.region,
    resources: [],
    detail: {},
  };
  const result = await aws.lambda.send(
    new InvokeCommand({
      FunctionName: output('AggregateUsageFunctionName'),
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  const payload = result.Payload ? new TextDecoder().decode(result.Payload) : '';
  if (result.FunctionError) throw new Error(`The billing worker failed: ${result.FunctionError} ${payload}`);
  return { asOf: time, summary: JSON.parse(payload) as { asOf: string; meters: number; items: number } };
}

export interface AuditRecordView {
  eventId: string;
  action: string;
  outcome: 'SUCCEEDED' | 'FAILED' | 'DENIED';
  actor: { sub: string; tenant: string; roles: string[] } | { system: 'saga' };
  tenantId: string;
  correlationId: string;
  details: Record<string, unknown>;
  recordedAt: string;
}

/** GET /audit?resource=<srn>. */
export function readAudit(caller: Caller, srn: string): Promise<ApiResponse> {
  return call('GET', `audit?resource=${encodeURIComponent(srn)}`, { caller });
}

/** The audit trail of `srn`, newest first, once `done` holds (the sink appends asynchronously). */
export async function auditTrailWhen(
  admin: Caller,
  srn: string,
  done: (records: AuditRecordView[]) => boolean,
  what = `the audit trail of ${srn}`,
): Promise<AuditRecordView[]> {
  const response = await eventually(
    () => readAudit(admin, srn),
    (r) => r.status === 200 && done(r.body.records as AuditRecordView[]),
    { what },
  );
  return response.body.records as AuditRecordView[];
}

/** Requests a resource and waits for it to settle; answers the accepted response and the settled view. */
export async function provisioned(
  member: Caller,
  projectId: string,
  request: ResourceRequest,
  timeoutMs?: number,
): Promise<{ accepted: ApiResponse; resource: ResourceView }> {
  const accepted = await requestResource(member, projectId, request);
  if (accepted.status !== 202) throw new Error(`Resource refused: ${accepted.status} ${accepted.text}`);
  return { accepted, resource: await settledResource(member, accepted.body.resourceId, timeoutMs) };
}

/** `a + b` per dimension. */
export function plus(a: Amounts, b: Amounts): Amounts {
  return { vcpu: a.vcpu + b.vcpu, memoryGiB: a.memoryGiB + b.memoryGiB, storageGiB: a.storageGiB + b.storageGiB };
}

/** What a flavor takes from a quota. */
export function sizeOf(flavor: FlavorName): Amounts {
  const { vcpu, memoryGiB, storageGiB } = FLAVOR[flavor];
  return { vcpu, memoryGiB, storageGiB };
}
