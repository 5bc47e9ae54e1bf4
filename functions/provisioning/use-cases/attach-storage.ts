/** Saga step AttachStorage: a VM gets its boot volume recorded; a volume is storage itself and attaches nothing. */
import type { ResourceStepCommand, StorageAttachment } from '../../../shared/contracts/provisioning-saga.js';
import { NotFoundError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { bootVolumeIdFor } from '../domain/ids.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Resources } from '../ports/resources.js';

export async function attachStorage(
  command: ResourceStepCommand,
  ports: { resources: Resources; clock?: Clock },
): Promise<StorageAttachment> {
  if (command.type !== 'vm') return { attached: false };
  const bootVolumeId = bootVolumeIdFor(command.resourceId);
  const at = (ports.clock ?? systemClock)().toISOString();
  const outcome = await ports.resources.recordStorage(command.resourceId, { bootVolumeId, attachedAt: at }, at);
  if (outcome === 'MISSING') throw new NotFoundError('Resource', command.resourceId);
  logger.info(outcome === 'CHANGED' ? 'Boot volume attached' : 'Boot volume was already attached', {
    srn: command.srn,
    bootVolumeId,
  });
  return { attached: true, bootVolumeId };
}
