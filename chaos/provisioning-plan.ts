/**
 * What the chaos run's provisioning lifecycles will be, drawn from the seed alone: a tenant (a few lifecycles share
 * each one, so their quota is under pressure), a flavor and region, and when the resource is deleted: once ACTIVE,
 * while it is still being provisioned (the API refuses until it is ACTIVE or FAILED, and the client insists), or never
 * (it stays ACTIVE, holding quota, capacity and a running meter at the end).
 */
import { SeededRandom } from './random.js';

type DeleteWhen = 'afterProvisioning' | 'duringProvisioning' | 'never';

export interface ProvisioningLifecyclePlan {
  readonly index: number;
  /** Sent as `X-Correlation-Id`; the key of every fault decision about this lifecycle's sagas. */
  readonly correlationId: string;
  /** Sent instead by the deletions, so that faults can be aimed at them alone. @default correlationId */
  readonly deletionCorrelationId?: string;
  readonly tenant: string;
  readonly type: 'vm' | 'volume';
  readonly flavor: string;
  readonly region: string;
  readonly deleteWhen: DeleteWhen;
}

const FLAVORS: readonly (readonly [{ type: 'vm' | 'volume'; flavor: string }, number])[] = [
  [{ type: 'vm', flavor: 'vm.small' }, 35],
  [{ type: 'vm', flavor: 'vm.medium' }, 25],
  [{ type: 'vm', flavor: 'vm.large' }, 20],
  [{ type: 'volume', flavor: 'vol.standard-10' }, 10],
  [{ type: 'volume', flavor: 'vol.standard-100' }, 5],
  // Its node agent always fails: the provision saga compensates.
  [{ type: 'vm', flavor: 'vm.test-fail' }, 5],
];

const DELETE_WHEN = [
  ['afterProvisioning', 70],
  ['duringProvisioning', 15],
  ['never', 15],
] as const;

/** About eight lifecycles per tenant: two vm.large already take a default quota's 16 vCPUs. */
const LIFECYCLES_PER_TENANT = 8;

export function planProvisioning(seed: string, count: number): ProvisioningLifecyclePlan[] {
  const tenants = Math.max(1, Math.ceil(count / LIFECYCLES_PER_TENANT));
  return Array.from({ length: count }, (_, index) => {
    const random = new SeededRandom(`${seed}/provisioning/${index}`);
    const { type, flavor } = random.weighted(FLAVORS);
    return {
      index,
      correlationId: `chaos-${seed}-r${index}`,
      tenant: `chaos-${seed}-tenant-${index % tenants}`,
      type,
      flavor,
      region: random.pick(['eu-west-1', 'us-east-1']),
      deleteWhen: random.weighted(DELETE_WHEN),
    };
  });
}
