import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import { parseQuotas } from '../domain/quota.js';

/** The quotas of a tenant without an item (DEFAULT_TENANT_QUOTAS, JSON `{vcpu,memoryGiB,storageGiB}`). */
export function defaultTenantQuotasFromEnv(): ResourceAmounts {
  return parseQuotas(requiredEnv('DEFAULT_TENANT_QUOTAS'));
}
