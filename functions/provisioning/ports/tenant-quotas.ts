/** Tenants' quotas and usage (TENANTS_TABLE_NAME), and the holds resources keep on them. */
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';

export interface TenantUsage {
  readonly tenantId: string;
  readonly quotas: ResourceAmounts;
  readonly used: ResourceAmounts;
}

export type HoldOutcome = 'RESERVED' | 'ALREADY_RESERVED';
export type ReleaseOutcome = 'RELEASED' | 'NOTHING_HELD';

export interface TenantQuotas {
  find(tenantId: string): Promise<TenantUsage | undefined>;
  /**
   * Adds `demand` to the tenant's usage and records the hold on the resource, atomically; a tenant without an item
   * gets `defaultQuotas`. Throws `QuotaExceededError` when it does not fit, `NotFoundError` when the resource does
   * not exist. A resource that holds its quota already is left alone.
   */
  reserve(request: {
    tenantId: string;
    resourceId: string;
    demand: ResourceAmounts;
    defaultQuotas: ResourceAmounts;
  }): Promise<HoldOutcome>;
  /** Gives back what the resource holds, if anything. */
  release(resourceId: string): Promise<ReleaseOutcome>;
}
