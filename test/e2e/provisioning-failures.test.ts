import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { tuning } from '../../lib/config/tuning.js';
import { E2E_HEARTBEAT_TIMEOUT_SCALE } from './support/local-timing.js';
import {
  capacityRow,
  createProject,
  deprovisionLeftovers,
  executionInput,
  executionsNamed,
  executionsOf,
  metersOf,
  plus,
  provisioned,
  requestResource,
  settledResource,
  sizeOf,
  tenantTeam,
  tenantUsage,
} from './support/provisioning.js';
import { aws, call, eventually, output, tableItems } from './support/target.js';

/** The provision saga's steps when the worker fails: its own compensation first, then the earlier steps' in reverse. */
const COMPENSATED_STEPS = [
  { name: 'ValidateRequest', status: 'SUCCEEDED' },
  { name: 'ReserveQuota', status: 'SUCCEEDED' },
  { name: 'ReserveCapacity', status: 'SUCCEEDED' },
  { name: 'DispatchToWorker', status: 'FAILED' },
  { name: 'DestroyResource', status: 'SUCCEEDED' },
  { name: 'ReleaseCapacity', status: 'SUCCEEDED' },
  { name: 'ReleaseQuota', status: 'SUCCEEDED' },
  { name: 'MarkFailed', status: 'SUCCEEDED' },
  { name: 'PublishProvisioningFailed', status: 'SUCCEEDED' },
];

/** The worker's heartbeat period as the local e2e run scales it. */
const HEARTBEAT_MS = tuning.provisioning.workerHeartbeatSeconds * E2E_HEARTBEAT_TIMEOUT_SCALE * 1000;

/** The same when the worker stays silent: the saga replaces it once (a new command) before it compensates. */
const SILENT_WORKER_STEPS = [
  ...COMPENSATED_STEPS.slice(0, 3),
  { name: 'DispatchToWorker', status: 'RETRIED' },
  ...COMPENSATED_STEPS.slice(3),
];

/** No meter, or only stopped ones. */
const noMeterRunning = (meters: Array<{ stoppedAt?: string }>) => meters.every((meter) => meter.stoppedAt);

describe('provisioning: failures', () => {
  // Not part of any scenario: frees the capacity the scenarios hold, for targets that outlive one run.
  afterAll(deprovisionLeftovers);

  it('refuses a request over quota with 422 QUOTA_EXCEEDED before anything is reserved or started', async () => {
    // Prepare: fill the default quota with as many vm.large as it holds.
    const { tenant, admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const quota = tuning.provisioning.defaultTenantQuota;
    const large = sizeOf('vm.large');
    const fitting = Math.min(Math.floor(quota.vcpu / large.vcpu), Math.floor(quota.memoryGiB / large.memoryGiB));
    const filled = await Promise.all(
      Array.from({ length: fitting }, () =>
        provisioned(member, projectId, { flavor: 'vm.large', region: 'us-east-1' }),
      ),
    );
    expect(filled.map(({ resource }) => resource.status)).toEqual(Array(fitting).fill('ACTIVE'));
    const usageBefore = await tenantUsage(tenant);
    expect(usageBefore).toEqual({ vcpu: fitting * large.vcpu, memoryGiB: fitting * large.memoryGiB, storageGiB: 0 });
    const capacityBefore = await capacityRow('us-east-1', 'vm.large');
    const requestedAt = new Date(Date.now() - 1000);

    // Act
    const refused = await requestResource(member, projectId, {
      flavor: 'vm.large',
      region: 'us-east-1',
      name: 'one-too-many',
    });

    // Assess
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: {
        requested: large,
        exceeded: (['vcpu', 'memoryGiB', 'storageGiB'] as const).filter(
          (dimension) => usageBefore[dimension] + large[dimension] > quota[dimension],
        ),
        available: {
          vcpu: quota.vcpu - usageBefore.vcpu,
          memoryGiB: quota.memoryGiB - usageBefore.memoryGiB,
          storageGiB: quota.storageGiB - usageBefore.storageGiB,
        },
      },
    });
    expect(refused.body.error.correlationId).toEqual(expect.any(String));
    const tenantResources = (await tableItems('ResourcesTableName')).filter((item) => item.tenantId === tenant);
    expect(tenantResources.map((item) => item.name)).not.toContain('one-too-many');
    expect(tenantResources).toHaveLength(fitting);
    expect(await tenantUsage(tenant)).toEqual(usageBefore);
    expect(await capacityRow('us-east-1', 'vm.large')).toEqual(capacityBefore);
    const filledIds = new Set(filled.map(({ resource }) => resource.resourceId));
    const startedSince = await executionsOf('ProvisionStateMachineArn', requestedAt);
    const inputs = await Promise.all(
      startedSince
        .filter((execution) => !filledIds.has(execution.name ?? ''))
        .map((execution) => executionInput(execution.executionArn ?? '')),
    );
    expect(inputs.filter((input) => input.tenantId === tenant)).toEqual([]);
  });

  it('ends FAILED with PROVISIONING_FAILED when the worker fails, and restores quota and capacity exactly', async () => {
    // Prepare
    const { tenant, admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const usageBefore = await tenantUsage(tenant);
    const capacityBefore = await capacityRow('eu-west-1', 'vm.test-fail');

    // Act
    const { accepted, resource } = await provisioned(member, projectId, {
      flavor: 'vm.test-fail',
      region: 'eu-west-1',
    });

    // Assess
    expect(accepted.status).toBe(202);
    expect(resource.status).toBe('FAILED');
    expect(resource.failure?.code).toBe('PROVISIONING_FAILED');
    expect(resource.steps.map(({ name, status }) => ({ name, status }))).toEqual(COMPENSATED_STEPS);
    expect(await tenantUsage(tenant)).toEqual(usageBefore);
    expect(await capacityRow('eu-west-1', 'vm.test-fail')).toEqual(capacityBefore);
    expect(noMeterRunning(await metersOf(resource.resourceId))).toBe(true);
  });

  it('ends FAILED with WORKER_TIMEOUT when a worker and its replacement miss their heartbeats, and compensates the same way', async () => {
    // Prepare
    const { tenant, admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const usageBefore = await tenantUsage(tenant);
    const capacityBefore = await capacityRow('eu-west-1', 'vm.test-hang');

    // Act: the worker never answers; the saga sends the command once more, then gives up after a second
    // HeartbeatSeconds (15 s each; the local e2e run scales it).
    const accepted = await requestResource(member, projectId, { flavor: 'vm.test-hang', region: 'eu-west-1' });
    const resourceId = accepted.body.resourceId as string;
    // While it waits, the reservation is held: quota and capacity are taken, exactly once.
    await eventually(
      () => call('GET', `resources/${resourceId}`, { caller: member }),
      (r) => r.status === 200 && r.body.steps.some((step: { name: string }) => step.name === 'DispatchToWorker'),
      { what: `${resourceId} to wait on its worker` },
    );
    const waiting = {
      usage: await tenantUsage(tenant),
      capacityUsed: (await capacityRow('eu-west-1', 'vm.test-hang')).used,
    };
    const resource = await settledResource(member, resourceId, 60_000);

    // Assess
    expect(accepted.status).toBe(202);
    expect(waiting.usage).toEqual(plus(usageBefore, sizeOf('vm.test-hang')));
    expect(waiting.capacityUsed).toBe(capacityBefore.used + 1);
    expect(resource.status).toBe('FAILED');
    expect(resource.failure?.code).toBe('WORKER_TIMEOUT');
    expect(resource.steps.map(({ name, status }) => ({ name, status }))).toEqual(SILENT_WORKER_STEPS);
    expect(await tenantUsage(tenant)).toEqual(usageBefore);
    expect(await capacityRow('eu-west-1', 'vm.test-hang')).toEqual(capacityBefore);
    expect(noMeterRunning(await metersOf(resourceId))).toBe(true);
  });

  it('waits for a busy worker fleet longer than the heartbeat, then provisions: the heartbeat times the agent only', async () => {
    // Prepare: every agent of the fleet is busy for longer than the (scaled) heartbeat period, longer than a queued
    // command could wait before worker slots (its heartbeat clock ran while it sat in the queue: WORKER_TIMEOUT).
    const { admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const busyForMs = HEARTBEAT_MS + 1000;
    const busyUntilMs = Date.now() + busyForMs;
    const slots = Array.from({ length: tuning.provisioning.workerMaxConcurrency }, (_, index) => ({
      slot: `slot-${String(index).padStart(3, '0')}`,
      leaseId: `busy-agent-${index}`,
      leasedUntilMs: busyUntilMs,
    }));
    await aws.dynamodb.send(
      new BatchWriteCommand({
        RequestItems: { [output('WorkerFleetTableName')]: slots.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );

    // Act
    const { resource } = await provisioned(member, projectId, { flavor: 'vm.small', region: 'eu-west-1' }, 90_000);

    // Assess: it ended ACTIVE after the fleet freed up, and its dispatcher was refused while every slot was held.
    expect(resource.status).toBe('ACTIVE');
    expect(Date.now()).toBeGreaterThan(busyUntilMs);
    const [execution] = await executionsNamed('ProvisionStateMachineArn', resource.resourceId);
    const { events = [] } = await aws.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: execution?.executionArn, maxResults: 1000 }),
    );
    const refusals = events.filter((event) => event.taskSubmitFailedEventDetails?.error === 'WorkerFleetBusyError');
    expect(refusals.length).toBeGreaterThan(0);
  });
});
