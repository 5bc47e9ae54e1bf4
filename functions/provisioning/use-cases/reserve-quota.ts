/** Saga step ReserveQuota: the resource's demand joins the tenant's usage, or `QuotaExceededError`. */
import type {
  QuotaReservation,
  ResourceAmounts,
  ResourceStepCommand,
} from '../../../shared/contracts/provisioning-saga.js';
import { NotFoundError, QuotaExceededError, TransientError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { demandOf, resolveFlavor } from '../domain/flavors.js';
import { decideQuota, describeShortfall, shortfallDetails } from '../domain/quota.js';
import type { TenantQuotas } from '../ports/tenant-quotas.js';

/** Rounds of read-decide-write when a tenant's quotas change under a reservation; contention beyond is transient. */
const MAX_ATTEMPTS = 3;

export async function reserveQuota(
  command: ResourceStepCommand,
  ports: { quotas: TenantQuotas; defaultQuotas: () => ResourceAmounts },
): Promise<QuotaReservation> {
  const { tenantId, resourceId, srn } = command;
  const demand = demandOf(resolveFlavor(command));
  const reserved = (alreadyReserved: boolean): QuotaReservation => {
    logger.info(alreadyReserved ? 'Quota was already reserved' : 'Quota reserved', { srn, demand });
    return { reserved: demand, alreadyReserved };
  };

  const resource = await ports.quotas.holdOf(resourceId);
  if (!resource) throw new NotFoundError('Resource', resourceId);
  if (resource.held) return reserved(true);

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const tenant = await ports.quotas.findOrCreate(tenantId, ports.defaultQuotas());
    const decision = decideQuota(tenant.quotas, tenant.used, demand);
    if (!decision.fits) {
      throw new QuotaExceededError(describeShortfall(decision, demand), shortfallDetails(decision, demand));
    }
    const outcome = await ports.quotas.hold({ tenant, resourceId, demand });
    if (outcome === 'RESOURCE_GONE') throw new NotFoundError('Resource', resourceId);
    if (outcome !== 'USAGE_CHANGED') return reserved(outcome === 'ALREADY_RESERVED');
    logger.info('Tenant usage changed during the reservation; deciding again', { tenantId, resourceId, attempt });
  }
  throw new TransientError(`The quota of tenant ${tenantId} kept changing; retry`);
}
