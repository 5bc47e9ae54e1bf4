/**
 * One provisioning lifecycle end to end through the API: a project, a `vm.small` provisioned to ACTIVE (its saga
 * waits on the simulated node agent, which works `tuning.provisioning.simulatedWorkMs`), then deprovisioned.
 */
import { randomUUID } from 'node:crypto';
import { signDevToken } from '../../functions/platform/dev-keys.js';
import { tuning } from '../../lib/config/tuning.js';
import type { LocalCloud } from '../../local-cloud/boot.js';
import type { Progress } from '../../local-cloud/cli/progress.js';
import { type Usage, usageBetween } from '../../local-cloud/metering.js';
import type { ExecutionRecord } from '../../local-cloud/stepfunctions/index.js';
import type { Figure } from '../figures.js';

export interface ProvisioningRun {
  readonly figures: Figure[];
  readonly resourceId: string;
  /** The whole lifecycle: provision, one hourly billing run, deprovision. */
  readonly lifecycleUsage: Usage;
  /** One hourly billing run alone (with this one meter). */
  readonly billingRunUsage: Usage;
}

export async function provisioningLifecycle(cloud: LocalCloud, progress: Progress): Promise<ProvisioningRun> {
  progress.start('one provisioning lifecycle (provision a vm.small, bill an hour, deprovision it)');
  await cloud.whenIdle();
  const usageBefore = cloud.usage();
  const tenant = `bench-${randomUUID().slice(0, 8)}`;
  const admin = await headersFor({ sub: `admin-${tenant}`, roles: ['tenant-admin'], tenant });
  const member = await headersFor({ sub: `member-${tenant}`, roles: ['member'], tenant });
  const project = (await request(cloud, 'POST', 'projects', admin, { name: 'bench' }, 201)) as { projectId: string };

  const provisionedAt = Date.now();
  const provisioning = executionEnd(cloud, 'ProvisionStateMachineArn');
  const accepted = (await request(
    cloud,
    'POST',
    `projects/${project.projectId}/resources`,
    member,
    { type: 'vm', flavor: 'vm.small', region: 'eu-west-1', name: 'bench-vm' },
    202,
  )) as { resourceId: string };
  const provisioned = await provisioning(accepted.resourceId);
  const view = (await request(cloud, 'GET', `resources/${accepted.resourceId}`, member, undefined, 200)) as {
    status: string;
  };
  if (view.status !== 'ACTIVE') throw new Error(`The benchmark VM ended ${view.status}, not ACTIVE`);

  // The hourly billing run, as its schedule would start it (a scheduled event is free; the run is not).
  await cloud.whenIdle();
  const beforeBilling = cloud.usage();
  await runBillingWorker(cloud);
  await cloud.whenIdle();
  const billingRunUsage = usageBetween(beforeBilling, cloud.usage());

  const deprovisionedAt = Date.now();
  const deprovisioning = executionEnd(cloud, 'DeprovisionStateMachineArn');
  await request(cloud, 'DELETE', `resources/${accepted.resourceId}`, member, undefined, 202);
  const deprovisioned = await deprovisioning(`${accepted.resourceId}-delete`);
  await cloud.whenIdle();
  const lifecycleUsage = usageBetween(usageBefore, cloud.usage());
  progress.done('done');

  const simulatedWorkMs = tuning.provisioning.simulatedWorkMs;
  const provisionMs = (provisioned.stopDate ?? Number.NaN) - provisionedAt;
  const section = 'Provisioning through the API';
  return {
    resourceId: accepted.resourceId,
    lifecycleUsage,
    billingRunUsage,
    figures: [
      {
        id: 'provisioning.provision',
        section,
        label: 'provision a vm.small, POST until the saga ended',
        value: provisionMs,
        unit: 'ms',
        note: `includes the simulated agent's ${simulatedWorkMs} ms of work`,
      },
      {
        id: 'provisioning.provision.overhead',
        section,
        label: 'provision, without the simulated work',
        value: provisionMs - simulatedWorkMs,
        unit: 'ms',
      },
      {
        id: 'provisioning.deprovision',
        section,
        label: 'deprovision, DELETE until the saga ended',
        value: (deprovisioned.stopDate ?? Number.NaN) - deprovisionedAt,
        unit: 'ms',
      },
    ],
  };
}

/** Invokes the billing worker with the Scheduled Event its hourly rule delivers. */
async function runBillingWorker(cloud: LocalCloud): Promise<void> {
  const result = await cloud.services.lambda.invoke(cloud.output('AggregateUsageFunctionName'), {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: cloud.region,
    resources: [],
    detail: {},
  });
  if ('error' in result)
    throw new Error(`The billing run failed: ${result.error.errorType} ${result.error.errorMessage}`);
}

/** Starts listening before the request that starts the execution, so its end cannot be missed. */
function executionEnd(cloud: LocalCloud, stateMachineOutput: string) {
  const stateMachineArn = cloud.output(stateMachineOutput);
  const closed = new Map<string, ExecutionRecord>();
  const waiters = new Map<string, (record: ExecutionRecord) => void>();
  const stop = cloud.services.stepFunctions.onExecutionClosed((record) => {
    if (record.stateMachineArn !== stateMachineArn) return;
    const waiter = waiters.get(record.name);
    if (waiter) waiter(record);
    else closed.set(record.name, record);
  });
  return async (name: string): Promise<ExecutionRecord> => {
    try {
      const record = closed.get(name) ?? (await new Promise<ExecutionRecord>((resolve) => waiters.set(name, resolve)));
      if (record.status !== 'SUCCEEDED') throw new Error(`${record.executionArn} ended ${record.status}`);
      return record;
    } finally {
      stop();
    }
  };
}

async function headersFor(claims: { sub: string; roles: string[]; tenant: string }): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await signDevToken(claims)}`, 'Content-Type': 'application/json' };
}

async function request(
  cloud: LocalCloud,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: unknown,
  expectedStatus: number,
): Promise<unknown> {
  const response = await fetch(`${cloud.apiUrl}${path}`, {
    method,
    headers: method === 'POST' ? { ...headers, 'Idempotency-Key': randomUUID() } : headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expectedStatus) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
}
