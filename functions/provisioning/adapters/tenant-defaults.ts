import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';
import { requiredEnv, testBehaviourOffered } from '../../../shared/environment.js';
import { parseQuotas } from '../domain/quota.js';
import type { TenantQuotas } from '../ports/tenant-quotas.js';
import { dynamoTenantQuotas } from './dynamo-tenant-quotas.js';

/** The quotas of a tenant without an item (DEFAULT_TENANT_QUOTAS, JSON `{vcpu,memoryGiB,storageGiB}`). */
function defaultTenantQuotasFromEnv(): ResourceAmounts {
  return parseQuotas(requiredEnv('DEFAULT_TENANT_QUOTAS'));
}

/** The ports of a use case that holds tenants' quota: the tenants' store, and the quotas a new tenant starts with. */
export const tenantQuotaPorts = (): { quotas: TenantQuotas; defaultQuotas: () => ResourceAmounts } => ({
  quotas: dynamoTenantQuotas(),
  defaultQuotas: defaultTenantQuotasFromEnv,
});

/** What the stage offers a new resource request: the tenants' quota ports, and whether test flavors are offered. */
export const requestOffering = () => ({ ...tenantQuotaPorts(), testFlavorsOffered: testBehaviourOffered() });
