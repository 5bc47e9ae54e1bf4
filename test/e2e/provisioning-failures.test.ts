import { afterAll, describe, expect, it } from 'vitest';
import { tuning } from '../../lib/config/tuning.js';
import {
  capacityRow,
  createProject,
  deprovisionLeftovers,
  executionInput,
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
import { call, eventually, tableItems } from './support/target.js';

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

  it('ends FAILED with WORKER_TIMEOUT when the worker misses its heartbeat, and compensates the same way', async () => {
    // Prepare
    const { tenant, admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const usageBefore = await tenantUsage(tenant);
    const capacityBefore = await capacityRow('eu-west-1', 'vm.test-hang');

    // Act: the worker never answers; the saga gives up after HeartbeatSeconds (15 s; the local e2e run scales it).
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
    expect(resource.steps.map(({ name, status }) => ({ name, status }))).toEqual(COMPENSATED_STEPS);
    expect(await tenantUsage(tenant)).toEqual(usageBefore);
    expect(await capacityRow('eu-west-1', 'vm.test-hang')).toEqual(capacityBefore);
    expect(noMeterRunning(await metersOf(resourceId))).toBe(true);
  });
});
