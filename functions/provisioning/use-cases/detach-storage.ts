/** Compensation DetachStorage (and a deprovision step): removes the boot volume, if one is attached. */
import type { ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Resources } from '../ports/resources.js';

export async function detachStorage(
  command: ResourceStepCommand,
  ports: { resources: Resources; clock?: Clock },
): Promise<{ detached: boolean }> {
  if (command.type !== 'vm') return { detached: false };
  const outcome = await ports.resources.removeStorage(command.resourceId, (ports.clock ?? systemClock)().toISOString());
  logger.info(outcome === 'CHANGED' ? 'Boot volume detached' : 'No boot volume attached; nothing to detach', {
    srn: command.srn,
  });
  return { detached: outcome === 'CHANGED' };
}
