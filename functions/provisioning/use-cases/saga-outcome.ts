/**
 * What the sagas' outcome steps share (MarkActive and MarkDeleted on success, MarkFailed on failure): their ports,
 * the audit record of the outcome, and the resource reference their events carry.
 */
import type { AuditOutcome } from '../../../shared/contracts/events/audit-events.js';
import type { ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { NotFoundError } from '../../../shared/errors.js';
import { MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { sagaAuditEventIdFor } from '../domain/ids.js';
import type { AuditTrail } from '../ports/audit.js';
import type { Clock } from '../ports/clock.js';
import type { Resources } from '../ports/resources.js';

export interface SagaOutcomePorts {
  readonly resources: Resources;
  readonly audit: AuditTrail;
  readonly clock?: Clock;
}

export interface SagaSuccess {
  /** The resource's last transition: PROVISIONING → ACTIVE, or DEPROVISIONING → DELETED. */
  readonly transition: 'markActive' | 'markDeleted';
  readonly action: 'saga.provision' | 'saga.deprovision';
  /** Counted once per resource: a repeated step finds the transition done and counts nothing. */
  readonly metric: string;
  /** Audit details beyond who asked and when. */
  readonly details?: Record<string, unknown>;
}

/**
 * A saga's success at `at`: the resource's last transition, then the SUCCEEDED audit record. A resource without a
 * record cannot end its saga (NotFoundError). A repeated step records again: the audit event id is derived, so the
 * duplicate is recognisable.
 */
export async function recordSagaSuccess(
  command: ResourceStepCommand,
  ports: SagaOutcomePorts,
  at: string,
  success: SagaSuccess,
): Promise<void> {
  const outcome = await ports.resources[success.transition](command.resourceId, at);
  if (outcome === 'MISSING') throw new NotFoundError('Resource', command.resourceId);
  await recordSagaOutcome(ports.audit, command, success.action, 'SUCCEEDED', success.details);
  if (outcome === 'CHANGED') metrics.addMetric(success.metric, MetricUnit.Count, 1);
}

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

/** The resource as every provisioning event names it (`ResourceRef` of the event contracts). */
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
