/** Compensation ReleaseQuota (and a deprovision step): gives back what the resource holds; nothing held, nothing done. */
import type { ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import type { TenantQuotas } from '../ports/tenant-quotas.js';

export async function releaseQuota(
  command: ResourceStepCommand,
  ports: { quotas: TenantQuotas },
): Promise<{ released: boolean }> {
  const outcome = await ports.quotas.release(command.resourceId);
  logger.info(outcome === 'RELEASED' ? 'Quota released' : 'No quota held; nothing to release', { srn: command.srn });
  return { released: outcome === 'RELEASED' };
}
