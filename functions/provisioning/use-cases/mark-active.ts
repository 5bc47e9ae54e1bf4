/**
 * The provision saga's success outcome: the resource is ACTIVE, the audit trail says so, and ResourceProvisioned.v1 is
 * returned for the state machine to publish (`events:putEvents`, retried by the state machine).
 */

import { ResourceProvisioned } from '../../../shared/contracts/events/provisioning-events.js';
import type { MarkActiveCommand, OutcomeEvent } from '../../../shared/contracts/provisioning-saga.js';
import { NotFoundError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import type { AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Resources } from '../ports/resources.js';
import { recordSagaOutcome, resourceRefOf } from './saga-audit.js';

export async function markActive(
  command: MarkActiveCommand,
  ports: { resources: Resources; audit: AuditTrail; clock?: Clock },
): Promise<OutcomeEvent> {
  const now = (ports.clock ?? systemClock)().toISOString();
  const outcome = await ports.resources.markActive(command.resourceId, now);
  if (outcome === 'MISSING') throw new NotFoundError('Resource', command.resourceId);
  await recordSagaOutcome(ports.audit, command, 'saga.provision', 'SUCCEEDED', {
    flavor: command.flavor,
    ...(command.worker ? { nodeId: command.worker.nodeId } : {}),
  });
  if (outcome === 'CHANGED') metrics.addMetric('ResourceProvisioned', MetricUnit.Count, 1);
  logger.info('Resource active', { srn: command.srn });

  const detail = ResourceProvisioned.create(
    {
      ...resourceRefOf(command),
      name: command.name,
      ...(command.worker ? { nodeId: command.worker.nodeId } : {}),
      ...(command.worker && command.type === 'vm' ? { ipAddress: command.worker.ipAddress } : {}),
    },
    { correlationId: command.correlationId, occurredAt: now },
  );
  return { detailType: ResourceProvisioned.detailType, source: ResourceProvisioned.source, detail };
}
