/** Compensation StopBilling (and the first deprovision step): stops the resource's meter once; no meter, no-op. */
import type { ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import { meterIdFor } from '../domain/ids.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Meters } from '../ports/meters.js';

export async function stopBilling(
  command: ResourceStepCommand,
  ports: { meters: Meters; clock?: Clock },
): Promise<{ meterId: string; stopped: boolean }> {
  const meterId = meterIdFor(command.resourceId);
  const stopped = await ports.meters.stop(command.resourceId, meterId, (ports.clock ?? systemClock)().toISOString());
  logger.info(stopped ? 'Billing stopped' : 'No running meter; nothing to stop', { srn: command.srn, meterId });
  return { meterId, stopped };
}
