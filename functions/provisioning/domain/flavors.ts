/**
 * The catalog: what can be provisioned, where, at what size and price. Pure: no AWS imports.
 * Prices are integer micro-dollars per hour, so that metering never rounds a rate.
 */
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';
import { type FieldIssue, ValidationError } from '../../../shared/errors.js';

export type ResourceType = 'vm' | 'volume';

export interface Flavor {
  readonly name: string;
  readonly type: ResourceType;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly storageGiB: number;
  readonly ratePerHourMicros: number;
  /** A flavor that exists to test the platform (its node agent fails or hangs on purpose): never on production. */
  readonly test?: true;
}

const vm = (name: string, vcpu: number, memoryGiB: number, ratePerHourMicros: number): Flavor => ({
  name,
  type: 'vm',
  vcpu,
  memoryGiB,
  storageGiB: 0,
  ratePerHourMicros,
});
const volume = (name: string, storageGiB: number, ratePerHourMicros: number): Flavor => ({
  name,
  type: 'volume',
  vcpu: 0,
  memoryGiB: 0,
  storageGiB,
  ratePerHourMicros,
});

export const FLAVORS: Readonly<Record<string, Flavor>> = {
  'vm.small': vm('vm.small', 1, 2, 11_600),
  'vm.medium': vm('vm.medium', 2, 8, 83_200),
  'vm.large': vm('vm.large', 8, 32, 332_800),
  // Test flavors, the size and price of vm.small: the node agent fails on the first and never answers on the second,
  // so the saga's compensation and heartbeat-timeout paths can be exercised on purpose.
  'vm.test-fail': { ...vm('vm.test-fail', 1, 2, 11_600), test: true },
  'vm.test-hang': { ...vm('vm.test-hang', 1, 2, 11_600), test: true },
  'vol.standard-10': volume('vol.standard-10', 10, 1_370),
  'vol.standard-100': volume('vol.standard-100', 100, 13_700),
};

export const FLAVOR_NAMES: readonly string[] = Object.keys(FLAVORS);
export const REGIONS: readonly string[] = ['eu-west-1', 'us-east-1'];

export function findFlavor(name: string): Flavor | undefined {
  return Object.hasOwn(FLAVORS, name) ? FLAVORS[name] : undefined;
}

export function isRegion(region: string): boolean {
  return REGIONS.includes(region);
}

export interface ResourceSpec {
  readonly type: string;
  readonly flavor: string;
  readonly region: string;
}

/**
 * The flavor a request asks for, or a `ValidationError` naming every offending field at once: an unknown type,
 * flavor or region, or a flavor of the other type (a volume flavor for a VM).
 */
/**
 * The flavor a request names, checked against its type and region. `offering.testFlavors: false` (production) makes
 * the test flavors unknown, so they are neither offered nor accepted.
 */
export function resolveFlavor(spec: ResourceSpec, offering: { testFlavors?: boolean } = {}): Flavor {
  const issues: FieldIssue[] = [];
  const typeKnown = spec.type === 'vm' || spec.type === 'volume';
  if (!typeKnown) issues.push({ path: 'type', message: "must be 'vm' or 'volume'" });
  const testFlavors = offering.testFlavors ?? true;
  const known = findFlavor(spec.flavor);
  const flavor = known?.test && !testFlavors ? undefined : known;
  if (!flavor) {
    const offered = (typeKnown ? flavorsOfType(spec.type as ResourceType) : FLAVOR_NAMES).filter(
      (name) => testFlavors || !FLAVORS[name]?.test,
    );
    issues.push({ path: 'flavor', message: `unknown flavor; one of: ${offered.join(', ')}` });
  } else if (typeKnown && flavor.type !== spec.type) {
    issues.push({
      path: 'flavor',
      message: `${flavor.name} is a ${flavor.type} flavor, not a ${spec.type} one; one of: ${flavorsOfType(spec.type as ResourceType).join(', ')}`,
    });
  }
  if (!isRegion(spec.region)) issues.push({ path: 'region', message: `unknown region; one of: ${REGIONS.join(', ')}` });
  if (issues.length > 0 || !flavor) throw new ValidationError('The resource request is invalid', issues);
  return flavor;
}

export function flavorsOfType(type: ResourceType): string[] {
  return FLAVOR_NAMES.filter((name) => FLAVORS[name]?.type === type);
}

/** What a resource of this flavor takes from its tenant's quota. */
export function demandOf(flavor: Flavor): ResourceAmounts {
  return { vcpu: flavor.vcpu, memoryGiB: flavor.memoryGiB, storageGiB: flavor.storageGiB };
}
