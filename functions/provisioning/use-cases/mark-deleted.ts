/**
 * The deprovision saga's outcome: the resource is DELETED (its record stays, for history and the audit trail), the
 * audit trail says so, and ResourceDeleted.v1 is returned for the state machine to publish.
 */

import { ResourceDeleted } from '../../../shared/contracts/events/provisioning-events.js';
import type { OutcomeEvent, ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { NotFoundError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import type { AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Resources } from '../ports/resources.js';
import { recordSagaOutcome, resourceRefOf } from './saga-audit.js';

export async function markDeleted(
  command: ResourceStepCommand,
  ports: { resources: Resources; audit: AuditTrail; clock?: Clock },
): Promise<OutcomeEvent> {
  const now = (ports.clock ?? systemClock)().toISOString();
  const outcome = await ports.resources.markDeleted(command.resourceId, now);
  if (outcome === 'MISSING') throw new NotFoundError('Resource', command.resourceId);
  await recordSagaOutcome(ports.audit, command, 'saga.deprovision', 'SUCCEEDED');
  if (outcome === 'CHANGED') metrics.addMetric('ResourceDeleted', MetricUnit.Count, 1);
  logger.info('Resource deleted', { srn: command.srn });

  const detail = ResourceDeleted.create(resourceRefOf(command), {
    correlationId: command.correlationId,
    occurredAt: now,
  });
  return { detailType: ResourceDeleted.detailType, source: ResourceDeleted.source, detail };
}
