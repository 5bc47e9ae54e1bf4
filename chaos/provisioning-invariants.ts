/**
 * The provisioning saga's promises, checked once every lifecycle has ended: quota and capacity are held exactly by
 * the ACTIVE resources, a meter runs exactly while its resource is ACTIVE, and billing never counts a second twice.
 * Pure, like the checkout invariants (`invariants.ts`), and reported the same way.
 */

import { FLAVORS } from '../functions/provisioning/domain/flavors.js';
import { hourlySlices, type Meter, MS_PER_HOUR } from '../functions/provisioning/domain/usage.js';
import type { ResourceAmounts } from '../shared/contracts/provisioning-saga.js';
import type { InvariantResult, Violation } from './invariants.js';
import type { LifecycleRecord } from './provisioning-driver.js';

export interface ResourceRow {
  readonly resourceId: string;
  readonly tenantId: string;
  readonly flavor: string;
  readonly region: string;
  readonly status: string;
  readonly quotaHeld?: ResourceAmounts;
  readonly capacityHeld?: string;
}
export interface TenantRow {
  readonly tenantId: string;
  readonly used?: ResourceAmounts;
}
export interface CapacityRow {
  readonly pk: string;
  readonly used: number;
  readonly total: number;
}
export interface UsageRow {
  readonly projectId: string;
  readonly period: string;
  readonly lines: readonly { readonly resourceId: string; readonly seconds: number }[];
}

export interface AuditRow {
  readonly srn: string;
  readonly sk: string;
  readonly eventId?: string;
}

export interface ProvisioningSnapshot {
  readonly resources: readonly ResourceRow[];
  readonly tenants: readonly TenantRow[];
  readonly capacity: readonly CapacityRow[];
  readonly meters: readonly Meter[];
  readonly usage: readonly UsageRow[];
  /** The audit table's records (its event-id guard items left out). */
  readonly audit: readonly AuditRow[];
  /** The instant billing last ran up to: no line may count time after it. */
  readonly billedUpTo: string;
  readonly lifecycles: readonly LifecycleRecord[];
}

type Check = (
  snapshot: ProvisioningSnapshot,
  sagaOf: (resourceId: string) => number | undefined,
) => {
  checked: number;
  violations: Violation[];
};

const DIMENSIONS = ['vcpu', 'memoryGiB', 'storageGiB'] as const;

const INVARIANTS: readonly { name: string; promise: string; check: Check }[] = [
  {
    name: 'quota.heldByActiveResources',
    promise: "a tenant's quota in use = the sum over its ACTIVE resources, each holding its flavor's amounts",
    check: ({ resources, tenants }, sagaOf) => {
      const violations: Violation[] = [];
      for (const resource of resources) {
        const active = resource.status === 'ACTIVE';
        const flavor = FLAVORS[resource.flavor];
        const expected = active && flavor ? amountsOf(flavor) : undefined;
        if (!sameAmounts(resource.quotaHeld, expected)) {
          violations.push({
            subject: `resource ${resource.resourceId}`,
            detail: `${resource.status} holding quota ${JSON.stringify(resource.quotaHeld ?? 'none')}`,
            sagaIndex: sagaOf(resource.resourceId),
          });
        }
      }
      for (const tenant of tenants) {
        const held = resources
          .filter((resource) => resource.tenantId === tenant.tenantId)
          .reduce((sum, resource) => add(sum, resource.quotaHeld), zero());
        if (DIMENSIONS.some((dimension) => (tenant.used?.[dimension] ?? 0) !== held[dimension])) {
          violations.push({
            subject: `tenant ${tenant.tenantId}`,
            detail: `used ${JSON.stringify(tenant.used)}, held by its resources ${JSON.stringify(held)}`,
          });
        }
      }
      return { checked: resources.length + tenants.length, violations };
    },
  },
  {
    name: 'capacity.heldByActiveResources',
    promise: 'capacity in use = the ACTIVE resources of each region and flavor, each holding one slot',
    check: ({ resources, capacity }, sagaOf) => {
      const violations: Violation[] = [];
      for (const resource of resources) {
        const expected = resource.status === 'ACTIVE' ? `${resource.region}#${resource.flavor}` : undefined;
        if (resource.capacityHeld !== expected) {
          violations.push({
            subject: `resource ${resource.resourceId}`,
            detail: `${resource.status} holding capacity ${resource.capacityHeld ?? 'none'}`,
            sagaIndex: sagaOf(resource.resourceId),
          });
        }
      }
      for (const row of capacity) {
        const held = resources.filter((resource) => resource.capacityHeld === row.pk).length;
        if (row.used !== held || row.used < 0 || row.used > row.total) {
          violations.push({ subject: `capacity ${row.pk}`, detail: `used ${row.used} of ${row.total}, held ${held}` });
        }
      }
      return { checked: resources.length + capacity.length, violations };
    },
  },
  {
    name: 'billing.metersOnlyWhileActive',
    promise: 'a resource has one meter, running exactly while it is ACTIVE',
    check: ({ resources, meters }, sagaOf) => {
      const violations: Violation[] = [];
      for (const resource of resources) {
        const own = meters.filter((meter) => meter.resourceId === resource.resourceId);
        const running = own.filter((meter) => meter.stoppedAt === undefined).length;
        if (own.length > 1 || running !== (resource.status === 'ACTIVE' ? 1 : 0)) {
          violations.push({
            subject: `resource ${resource.resourceId}`,
            detail: `${resource.status} with ${own.length} meter(s), ${running} running`,
            sagaIndex: sagaOf(resource.resourceId),
          });
        }
      }
      return { checked: resources.length, violations };
    },
  },
  {
    name: 'billing.secondsCountedOnce',
    promise: 'usage lines never count a second twice: one line per resource and hour, at most the time it ran',
    check: ({ usage, meters, billedUpTo }, sagaOf) => {
      const violations: Violation[] = [];
      const upToMs = Date.parse(billedUpTo);
      let checked = 0;
      for (const hour of usage) {
        const byResource = new Map<string, number>();
        for (const line of hour.lines) {
          checked += 1;
          byResource.set(line.resourceId, (byResource.get(line.resourceId) ?? 0) + 1);
          const meter = meters.find((candidate) => candidate.resourceId === line.resourceId);
          const ran = meter ? (hourlySlices(meter, upToMs).find((slice) => slice.period === hour.period)?.ms ?? 0) : 0;
          if (line.seconds * 1000 > Math.min(ran, MS_PER_HOUR) + 1) {
            violations.push({
              subject: `usage ${hour.projectId} ${hour.period} ${line.resourceId}`,
              detail: `${line.seconds} s billed, the meter ran ${ran / 1000} s in that hour`,
              sagaIndex: sagaOf(line.resourceId),
            });
          }
        }
        for (const [resourceId, lines] of byResource) {
          if (lines > 1) {
            violations.push({
              subject: `usage ${hour.projectId} ${hour.period} ${resourceId}`,
              detail: `${lines} lines`,
            });
          }
        }
      }
      return { checked, violations };
    },
  },
  {
    name: 'audit.oncePerEvent',
    promise: 'exactly one audit record per audited event id, however often its publisher was retried',
    check: ({ audit }) => {
      const records = new Map<string, number>();
      for (const record of audit) {
        if (record.eventId) records.set(record.eventId, (records.get(record.eventId) ?? 0) + 1);
      }
      const violations = [...records.entries()]
        .filter(([, count]) => count > 1)
        .map(([eventId, count]) => ({ subject: `audit event ${eventId}`, detail: `${count} records` }));
      return { checked: records.size, violations };
    },
  },
  {
    name: 'provisioning.terminate',
    promise:
      'every lifecycle settles (ACTIVE, FAILED, DELETED) within the bound; none stays PROVISIONING or DEPROVISIONING',
    check: ({ lifecycles, resources }, sagaOf) => {
      const violations: Violation[] = [];
      for (const lifecycle of lifecycles.filter((candidate) => candidate.finalStatus === 'STUCK')) {
        violations.push({
          subject: `lifecycle ${lifecycle.plan.index}`,
          detail: `did not settle: ${lifecycle.reason ?? 'no answer'}`,
          sagaIndex: lifecycle.plan.index,
        });
      }
      for (const resource of resources) {
        if (resource.status === 'PROVISIONING' || resource.status === 'DEPROVISIONING') {
          violations.push({
            subject: `resource ${resource.resourceId}`,
            detail: `still ${resource.status}`,
            sagaIndex: sagaOf(resource.resourceId),
          });
        }
      }
      return { checked: lifecycles.length, violations };
    },
  },
];

export function checkProvisioningInvariants(snapshot: ProvisioningSnapshot): InvariantResult[] {
  const sagaByResource = new Map(
    snapshot.lifecycles.flatMap((lifecycle) =>
      lifecycle.resourceId ? [[lifecycle.resourceId, lifecycle.plan.index] as const] : [],
    ),
  );
  const sagaOf = (resourceId: string) => sagaByResource.get(resourceId);
  return INVARIANTS.map(({ name, promise, check }) => ({ name, promise, ...check(snapshot, sagaOf) }));
}

function amountsOf(flavor: ResourceAmounts): ResourceAmounts {
  return { vcpu: flavor.vcpu, memoryGiB: flavor.memoryGiB, storageGiB: flavor.storageGiB };
}

function sameAmounts(a: ResourceAmounts | undefined, b: ResourceAmounts | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return DIMENSIONS.every((dimension) => a[dimension] === b[dimension]);
}

function zero(): ResourceAmounts {
  return { vcpu: 0, memoryGiB: 0, storageGiB: 0 };
}

function add(sum: ResourceAmounts, amounts: ResourceAmounts | undefined): ResourceAmounts {
  return amounts
    ? {
        vcpu: sum.vcpu + amounts.vcpu,
        memoryGiB: sum.memoryGiB + amounts.memoryGiB,
        storageGiB: sum.storageGiB + amounts.storageGiB,
      }
    : sum;
}
