/**
 * The provision saga's success outcome: the resource is ACTIVE, the audit trail says so, and ResourceProvisioned.v1 is
 * returned for the state machine to publish (`events:putEvents`, retried by the state machine).
 */

import { ResourceProvisioned } from '../../../shared/contracts/events/provisioning-events.js';
import type { MarkActiveCommand, OutcomeEvent } from '../../../shared/contracts/provisioning-saga.js';
import { logger } from '../../../shared/powertools/index.js';
import { outcomeEvent } from '../../../shared/saga/outcome-event.js';
import { systemClock } from '../ports/clock.js';
import { recordSagaSuccess, resourceRefOf, type SagaOutcomePorts } from './saga-outcome.js';

export async function markActive(command: MarkActiveCommand, ports: SagaOutcomePorts): Promise<OutcomeEvent> {
  const now = (ports.clock ?? systemClock)().toISOString();
  await recordSagaSuccess(command, ports, now, {
    transition: 'markActive',
    action: 'saga.provision',
    metric: 'ResourceProvisioned',
    details: { flavor: command.flavor, ...(command.worker ? { nodeId: command.worker.nodeId } : {}) },
  });
  logger.info('Resource active', { srn: command.srn });

  return outcomeEvent(
    ResourceProvisioned,
    {
      ...resourceRefOf(command),
      name: command.name,
      ...(command.worker ? { nodeId: command.worker.nodeId } : {}),
      ...(command.worker && command.type === 'vm' ? { ipAddress: command.worker.ipAddress } : {}),
    },
    { correlationId: command.correlationId, occurredAt: now },
  );
}
