/** Saga step StartBilling: one meter per resource, at its flavor's rate; a repeat finds the meter and starts none. */
import type { MeterStarted, ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { resolveFlavor } from '../domain/flavors.js';
import { meterIdFor } from '../domain/ids.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Meters } from '../ports/meters.js';

export async function startBilling(
  command: ResourceStepCommand,
  ports: { meters: Meters; clock?: Clock },
): Promise<MeterStarted> {
  const flavor = resolveFlavor(command);
  const { started, meter } = await ports.meters.start({
    resourceId: command.resourceId,
    meterId: meterIdFor(command.resourceId),
    projectId: command.projectId,
    tenantId: command.tenantId,
    srn: command.srn,
    flavor: flavor.name,
    ratePerHourMicros: flavor.ratePerHourMicros,
    startedAt: (ports.clock ?? systemClock)().toISOString(),
  });
  if (started) metrics.addMetric('MeterStarted', MetricUnit.Count, 1);
  logger.info(started ? 'Billing started' : 'Billing was already started', {
    srn: command.srn,
    meterId: meter.meterId,
  });
  return {
    meterId: meter.meterId,
    startedAt: meter.startedAt,
    ratePerHourMicros: meter.ratePerHourMicros,
    alreadyStarted: !started,
  };
}
