/**
 * The deprovision saga's outcome: the resource is DELETED (its record stays, for history and the audit trail), the
 * audit trail says so, and ResourceDeleted.v1 is returned for the state machine to publish.
 */

import { ResourceDeleted } from '../../../shared/contracts/events/provisioning-events.js';
import type { OutcomeEvent, ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import { outcomeEvent } from '../../../shared/saga/outcome-event.js';
import { systemClock } from '../ports/clock.js';
import { recordSagaSuccess, resourceRefOf, type SagaOutcomePorts } from './saga-outcome.js';

export async function markDeleted(command: ResourceStepCommand, ports: SagaOutcomePorts): Promise<OutcomeEvent> {
  const now = (ports.clock ?? systemClock)().toISOString();
  await recordSagaSuccess(command, ports, now, {
    transition: 'markDeleted',
    action: 'saga.deprovision',
    metric: 'ResourceDeleted',
  });
  logger.info('Resource deleted', { srn: command.srn });

  return outcomeEvent(ResourceDeleted, resourceRefOf(command), {
    correlationId: command.correlationId,
    occurredAt: now,
  });
}
