/**
 * `DELETE /resources/{resourceId}` (member and above): an ACTIVE or FAILED resource becomes DEPROVISIONING and its
 * deprovision saga starts. Deleting again answers the same, without a second saga.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type { ResourceDeletionAccepted } from '../../../shared/contracts/provisioning-api.js';
import { ConflictError, NotFoundError, TransientError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import type { AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ResourceRecord, Resources } from '../ports/resources.js';
import type { ProvisioningSagas } from '../ports/sagas.js';
import { actorOf, requireRole } from './authorize.js';
import { bindSrn } from './log-context.js';
import { sagaInputFor } from './saga-input.js';
import { findTenantResource } from './tenant-projects.js';

export interface DeleteResourcePorts {
  readonly resources: Resources;
  readonly sagas: ProvisioningSagas;
  readonly audit: AuditTrail;
  readonly clock?: Clock;
}

export async function deleteResource(
  command: { resourceId: string; principal: Principal; correlationId: string },
  ports: DeleteResourcePorts,
): Promise<ResourceDeletionAccepted> {
  const { principal, correlationId } = command;
  const now = () => (ports.clock ?? systemClock)().toISOString();
  const found = await findTenantResource(command.resourceId, principal, ports.resources);
  const { resourceId, srn } = found;
  bindSrn(srn);
  await requireRole({ principal, required: 'member', action: 'resource.delete', srn, correlationId }, ports.audit);

  if (found.status === 'PROVISIONING') {
    throw new ConflictError(
      'RESOURCE_BUSY',
      `Resource ${resourceId} is still being provisioned; delete it once it is ACTIVE or FAILED`,
      { resourceId, status: found.status },
    );
  }
  let resource = found;
  let requestedNow = false;
  if (found.status === 'ACTIVE' || found.status === 'FAILED') {
    // A FAILED resource may be one whose deprovisioning failed: this is a new attempt, with a saga of its own.
    const attempt = (found.deletionAttempts ?? 0) + 1;
    const outcome = await ports.resources.requestDeletion(resourceId, now(), attempt);
    if (outcome === 'MISSING') throw new NotFoundError('Resource', resourceId);
    requestedNow = outcome === 'CHANGED';
    resource = requestedNow
      ? { ...found, status: 'DEPROVISIONING', deletionAttempts: attempt, deprovisionExecutionArn: undefined }
      : ((await ports.resources.find(resourceId)) ?? found);
  }

  // DEPROVISIONING without a saga: an earlier request moved it but could not start the saga; this one does.
  if (resource.status === 'DEPROVISIONING' && !resource.deprovisionExecutionArn) {
    await startSaga(resource, command, ports, now());
  }

  await ports.audit.record({
    action: 'resource.delete',
    outcome: 'SUCCEEDED',
    srn,
    tenantId: resource.tenantId,
    actor: actorOf(principal),
    correlationId,
    details: { previousStatus: found.status, ...(requestedNow ? {} : { repeated: true }) },
  });
  if (requestedNow) metrics.addMetric('ResourceDeletionRequested', MetricUnit.Count, 1);
  return { resourceId, srn, status: resource.status === 'DELETED' ? 'DELETED' : 'DEPROVISIONING' };
}

async function startSaga(
  resource: ResourceRecord,
  command: { principal: Principal; correlationId: string },
  ports: DeleteResourcePorts,
  at: string,
): Promise<void> {
  let executionArn: string;
  const attempt = resource.deletionAttempts ?? 1;
  try {
    ({ executionArn } = await ports.sagas.startDeprovision(
      sagaInputFor(resource, { ...command, requestedAt: at, deletionAttempt: attempt }),
      attempt,
    ));
  } catch (cause) {
    // The resource stays DEPROVISIONING without a saga; deleting again starts it (the attempt's execution name).
    logger.error('The deprovision saga could not be started', { srn: resource.srn, error: cause as Error });
    throw new TransientError('The resource could not be deleted yet; please retry', { cause });
  }
  try {
    await ports.resources.attachExecution(resource.resourceId, 'deprovision', executionArn, at);
  } catch (error) {
    logger.error('The deprovision execution ARN could not be stored on the resource', {
      srn: resource.srn,
      executionArn,
      error: error as Error,
    });
  }
  logger.info('Deprovisioning started', { srn: resource.srn, executionArn });
}
