/** Tenants' quotas and usage (TENANTS_TABLE_NAME), and the holds resources keep on them. */
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';

export interface TenantUsage {
  readonly tenantId: string;
  readonly quotas: ResourceAmounts;
  readonly used: ResourceAmounts;
}

/**
 * What the store said to a hold: `USAGE_CHANGED` when the tenant's usage or quotas are no longer those the caller read
 * (decide again on fresh figures); `RESOURCE_GONE` when the resource does not exist.
 */
export type HoldAttempt = HoldOutcome | 'USAGE_CHANGED' | 'RESOURCE_GONE';
export type HoldOutcome = 'RESERVED' | 'ALREADY_RESERVED';
export type ReleaseOutcome = 'RELEASED' | 'NOTHING_HELD';

export interface TenantQuotas {
  find(tenantId: string): Promise<TenantUsage | undefined>;
  /** The tenant, created with `defaultQuotas` and no usage if it has no item yet (a concurrent creator wins). */
  findOrCreate(tenantId: string, defaultQuotas: ResourceAmounts): Promise<TenantUsage>;
  /** What the resource holds of its tenant's quota; `undefined` when the resource does not exist. */
  holdOf(resourceId: string): Promise<{ readonly held?: ResourceAmounts } | undefined>;
  /**
   * Adds `demand` to the tenant's usage and records the hold on the resource, atomically, only while the tenant's
   * usage and quotas still allow it as `tenant` (read by the caller) showed them. Decides nothing: the caller checked
   * that the demand fits.
   */
  hold(request: { tenant: TenantUsage; resourceId: string; demand: ResourceAmounts }): Promise<HoldAttempt>;
  /** Gives back what the resource holds, if anything. */
  release(resourceId: string): Promise<ReleaseOutcome>;
}
