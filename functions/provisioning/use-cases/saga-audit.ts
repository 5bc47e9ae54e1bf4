import type { AuditOutcome } from '../../../shared/contracts/events/audit-events.js';
import type { ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { sagaAuditEventIdFor } from '../domain/ids.js';
import type { AuditTrail } from '../ports/audit.js';

/**
 * The audit record of a saga's outcome. The saga acts on its own (`{ system: 'saga' }`); who asked for it is in the
 * details. The event id is derived, so a repeated step's duplicate is recognisable.
 */
export function recordSagaOutcome(
  audit: AuditTrail,
  command: ResourceStepCommand,
  action: 'saga.provision' | 'saga.deprovision',
  outcome: AuditOutcome,
  details: Record<string, unknown> = {},
): Promise<void> {
  return audit.record({
    eventId: sagaAuditEventIdFor(action, command.resourceId, outcome),
    action,
    outcome,
    srn: command.srn,
    tenantId: command.tenantId,
    actor: { system: 'saga' },
    correlationId: command.correlationId,
    details: { requestedBy: command.requestedBy.sub, requestedAt: command.requestedAt, ...details },
  });
}

export function resourceRefOf(command: ResourceStepCommand) {
  return {
    resourceId: command.resourceId,
    srn: command.srn,
    tenantId: command.tenantId,
    projectId: command.projectId,
    type: command.type,
    flavor: command.flavor,
    region: command.region,
  };
}
