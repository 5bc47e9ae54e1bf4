/** Saga step ReserveCapacity: one slot of the flavor in the region, or `CapacityUnavailableError`. */
import type { CapacityReservation, ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { CapacityUnavailableError, NotFoundError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import type { CapacityPool } from '../ports/capacity.js';

export async function reserveCapacity(
  command: ResourceStepCommand,
  ports: { capacity: CapacityPool },
): Promise<CapacityReservation> {
  const { resourceId, region, flavor } = command;
  const outcome = await ports.capacity.reserve({ resourceId, region, flavor });
  if (outcome === 'RESOURCE_GONE') throw new NotFoundError('Resource', resourceId);
  if (outcome === 'NO_SLOT') {
    throw new CapacityUnavailableError(`No capacity left for ${flavor} in ${region}`, { region, flavor });
  }
  logger.info(outcome === 'RESERVED' ? 'Capacity reserved' : 'Capacity was already reserved', {
    srn: command.srn,
    region,
    flavor,
  });
  return { region, flavor, alreadyReserved: outcome === 'ALREADY_RESERVED' };
}
