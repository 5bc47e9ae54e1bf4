/** Compensation ReleaseCapacity (and a deprovision step): gives back the slot the resource holds, if any. */
import type { ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import type { CapacityPool } from '../ports/capacity.js';

export async function releaseCapacity(
  command: ResourceStepCommand,
  ports: { capacity: CapacityPool },
): Promise<{ released: boolean }> {
  const outcome = await ports.capacity.release(command.resourceId);
  logger.info(outcome === 'RELEASED' ? 'Capacity released' : 'No capacity held; nothing to release', {
    srn: command.srn,
  });
  return { released: outcome === 'RELEASED' };
}
