/** Saga step ReserveQuota: the resource's demand joins the tenant's usage, or `QuotaExceededError`. */
import type {
  QuotaReservation,
  ResourceAmounts,
  ResourceStepCommand,
} from '../../../shared/contracts/provisioning-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import { demandOf, resolveFlavor } from '../domain/flavors.js';
import type { TenantQuotas } from '../ports/tenant-quotas.js';

export async function reserveQuota(
  command: ResourceStepCommand,
  ports: { quotas: TenantQuotas; defaultQuotas: () => ResourceAmounts },
): Promise<QuotaReservation> {
  const demand = demandOf(resolveFlavor(command));
  const outcome = await ports.quotas.reserve({
    tenantId: command.tenantId,
    resourceId: command.resourceId,
    demand,
    defaultQuotas: ports.defaultQuotas(),
  });
  logger.info(outcome === 'RESERVED' ? 'Quota reserved' : 'Quota was already reserved', { srn: command.srn, demand });
  return { reserved: demand, alreadyReserved: outcome === 'ALREADY_RESERVED' };
}
