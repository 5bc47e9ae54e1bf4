import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  capacityRow,
  createProject,
  deprovisionLeftovers,
  executionsNamed,
  FLAVOR,
  metersOf,
  plus,
  provisioned,
  requestResource,
  runBillingWorker,
  settledResource,
  sizeOf,
  srnOf,
  tenantTeam,
  tenantUsage,
} from './support/provisioning.js';
import { call, tableItems } from './support/target.js';

const PROVISION_STEPS = [
  'ValidateRequest',
  'ReserveQuota',
  'ReserveCapacity',
  'DispatchToWorker',
  'AttachStorage',
  'ConfigureNetwork',
  'StartBilling',
  'MarkActive',
  'PublishResourceProvisioned',
];
const DEPROVISION_STEPS = [
  'StopBilling',
  'DetachStorage',
  'DestroyResource',
  'ReleaseCapacity',
  'ReleaseQuota',
  'MarkDeleted',
  'PublishResourceDeleted',
];

describe('provisioning: lifecycle', () => {
  // Not part of any scenario: frees the capacity the scenarios hold, for targets that outlive one run.
  afterAll(deprovisionLeftovers);

  it('provisions a vm.small to ACTIVE, takes exactly its quota and one slot, meters it and bills its usage', async () => {
    // Prepare
    const { tenant, admin, member, viewer } = tenantTeam();
    const projectId = await createProject(admin);
    const usageBefore = await tenantUsage(tenant);
    const capacityBefore = await capacityRow('eu-west-1', 'vm.small');

    // Act
    const accepted = await requestResource(member, projectId, { flavor: 'vm.small', region: 'eu-west-1' });
    const resourceId = accepted.body.resourceId as string;
    const resource = await settledResource(viewer, resourceId);

    // Assess
    const srn = srnOf({ region: 'eu-west-1', tenant, projectId, type: 'vm', resourceId });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ resourceId, srn, status: 'PROVISIONING' });
    expect(accepted.headers.get('location')).toBe(`/resources/${resourceId}`);
    expect(resource).toMatchObject({
      resourceId,
      srn,
      projectId,
      type: 'vm',
      flavor: 'vm.small',
      region: 'eu-west-1',
      status: 'ACTIVE',
    });
    expect(resource.failure).toBeUndefined();
    expect(resource.nodeId).toEqual(expect.any(String));
    expect(resource.ipAddress).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/);
    expect(resource.steps.map((step) => step.name)).toEqual(PROVISION_STEPS);
    expect(resource.steps.every((step) => step.status === 'SUCCEEDED')).toBe(true);

    expect(await tenantUsage(tenant)).toEqual(plus(usageBefore, sizeOf('vm.small')));
    expect((await capacityRow('eu-west-1', 'vm.small')).used).toBe(capacityBefore.used + 1);

    const meters = await metersOf(resourceId);
    expect(meters).toHaveLength(1);
    const [meter] = meters;
    expect(meter).toMatchObject({
      resourceId,
      meterId: `m_${resourceId}`,
      projectId,
      tenantId: tenant,
      srn,
      flavor: 'vm.small',
      ratePerHourMicros: FLAVOR['vm.small'].ratePerHourMicros,
    });
    expect(meter?.stoppedAt).toBeUndefined();

    // Billing: the run's usage of this resource is exactly the time its meter ran up to the run, at its rate.
    const { asOf } = await runBillingWorker();
    const usage = await call('GET', `projects/${projectId}/usage`, { caller: viewer });
    expect(usage.status).toBe(200);
    const periods = usage.body.periods as Array<{
      period: string;
      totalMicros: number;
      lines: Array<{ resourceId: string; srn: string; flavor: string; seconds: number; amountMicros: number }>;
    }>;
    const lines = periods.flatMap((period) => period.lines);
    expect(lines.length).toBeGreaterThan(0);
    expect(
      lines.every((line) => line.resourceId === resourceId && line.srn === srn && line.flavor === 'vm.small'),
    ).toBe(true);
    expect(periods[0]?.period).toBe(meter?.startedAt.slice(0, 13));
    const meteredMs = lines.reduce((total, line) => total + Math.round(line.seconds * 1000), 0);
    expect(meteredMs).toBe(Date.parse(asOf) - Date.parse(meter?.startedAt ?? ''));
    for (const line of lines) {
      expect(line.amountMicros).toBe(
        Math.round((Math.round(line.seconds * 1000) * FLAVOR['vm.small'].ratePerHourMicros) / 3_600_000),
      );
    }
    const linesTotal = lines.reduce((total, line) => total + line.amountMicros, 0);
    expect(usage.body.totalMicros).toBe(linesTotal);
    expect(periods.reduce((total, period) => total + period.totalMicros, 0)).toBe(linesTotal);
  });

  it('deprovisions an ACTIVE resource: DELETED, meter stopped, quota and capacity released exactly', async () => {
    // Prepare
    const { tenant, admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const usageBefore = await tenantUsage(tenant);
    const capacityBefore = await capacityRow('eu-west-1', 'vm.small');
    const { resource: active } = await provisioned(member, projectId, { flavor: 'vm.small', region: 'eu-west-1' });
    expect(active.status).toBe('ACTIVE');

    // Act
    const deletion = await call('DELETE', `resources/${active.resourceId}`, { caller: member });
    const deleted = await settledResource(member, active.resourceId);

    // Assess
    expect(deletion.status).toBe(202);
    expect(deletion.body).toEqual({ resourceId: active.resourceId, srn: active.srn, status: 'DEPROVISIONING' });
    expect(deleted.status).toBe('DELETED');
    expect(deleted.steps.map((step) => step.name)).toEqual([...PROVISION_STEPS, ...DEPROVISION_STEPS]);
    expect(deleted.steps.every((step) => step.status === 'SUCCEEDED')).toBe(true);

    const meters = await metersOf(active.resourceId);
    expect(meters).toHaveLength(1);
    expect(meters[0]?.stoppedAt).toEqual(expect.any(String));
    expect(Date.parse(meters[0]?.stoppedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(meters[0]?.startedAt ?? ''));

    expect(await tenantUsage(tenant)).toEqual(usageBefore);
    expect((await capacityRow('eu-west-1', 'vm.small')).used).toBe(capacityBefore.used);

    // Deleting again answers the same, and starts no second saga.
    const again = await call('DELETE', `resources/${active.resourceId}`, { caller: member });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ resourceId: active.resourceId, srn: active.srn, status: 'DELETED' });
    expect(await executionsNamed('DeprovisionStateMachineArn', `${active.resourceId}-delete`)).toHaveLength(1);
  });

  it('answers a repeated POST with the same key with the same resource and one saga; another body is a 409', async () => {
    // Prepare
    const { tenant, admin, member } = tenantTeam();
    const projectId = await createProject(admin);
    const key = `key-${randomUUID()}`;
    const request = { flavor: 'vm.small', region: 'eu-west-1', name: 'web-1' };

    // Act
    const first = await requestResource(member, projectId, request, key);
    const second = await requestResource(member, projectId, request, key);
    const otherBody = await requestResource(member, projectId, { ...request, name: 'web-2' }, key);

    // Assess
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const resourceId = first.body.resourceId as string;
    const resource = await settledResource(member, resourceId);
    expect(resource.status).toBe('ACTIVE');
    expect(resource.name).toBe('web-1');
    expect(await executionsNamed('ProvisionStateMachineArn', resourceId)).toHaveLength(1);
    expect(await metersOf(resourceId)).toHaveLength(1);
    const tenantResources = (await tableItems('ResourcesTableName')).filter((item) => item.tenantId === tenant);
    expect(tenantResources.map((item) => item.resourceId)).toEqual([resourceId]);
    expect(await tenantUsage(tenant)).toEqual(sizeOf('vm.small'));
  });
});
