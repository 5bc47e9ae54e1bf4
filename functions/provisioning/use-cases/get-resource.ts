/** `GET /resources/{resourceId}` (viewer and above): the resource, plus the steps its sagas went through. */
import type { Principal } from '../../../shared/contracts/common.js';
import type { ResourceView } from '../../../shared/contracts/provisioning-api.js';
import { logger } from '../../../shared/powertools/index.js';
import { endedUnsuccessfully } from '../../../shared/saga/execution-status.js';
import { sagaStepsOf } from '../../../shared/saga/execution-steps.js';
import { INTERNAL_PROVISIONING_MESSAGE } from '../domain/failures.js';
import { resourceRequestOf } from '../domain/resource-request.js';
import type { AuditTrail } from '../ports/audit.js';
import type { ResourceRecord, Resources } from '../ports/resources.js';
import type { ProvisioningSagas, SagaExecutionStatus } from '../ports/sagas.js';
import { requireRole } from './authorize.js';
import { bindSrn } from './log-context.js';
import { findTenantResource } from './tenant-projects.js';

export async function getResource(
  query: { resourceId: string; principal: Principal; correlationId: string },
  ports: { resources: Resources; sagas: ProvisioningSagas; audit: AuditTrail },
): Promise<ResourceView> {
  const { principal, correlationId } = query;
  const resource = await findTenantResource(query.resourceId, principal, ports.resources);
  bindSrn(resource.srn);
  await requireRole(
    { principal, required: 'viewer', action: 'resource.read', srn: resource.srn, correlationId },
    ports.audit,
  );

  const historyOf = (executionArn: string | undefined) =>
    executionArn ? ports.sagas.history(executionArn) : Promise.resolve([]);
  const [provisionHistory, deprovisionHistory, executionStatus] = await Promise.all([
    historyOf(resource.executionArn),
    historyOf(resource.deprovisionExecutionArn),
    resource.status === 'PROVISIONING' && resource.executionArn
      ? ports.sagas.status(resource.executionArn)
      : Promise.resolve(undefined),
  ]);
  // The deprovision saga only starts after the provision saga ended, so its steps follow.
  const steps = [...sagaStepsOf(provisionHistory), ...sagaStepsOf(deprovisionHistory)];
  return { ...viewOf(resource, executionStatus), steps };
}

function viewOf(
  resource: ResourceRecord,
  executionStatus: SagaExecutionStatus | undefined,
): Omit<ResourceView, 'steps'> {
  const view = {
    resourceId: resource.resourceId,
    srn: resource.srn,
    projectId: resource.projectId,
    ...resourceRequestOf(resource),
    status: resource.status,
    ...(resource.failure ? { failure: { code: resource.failure.code, message: resource.failure.message } } : {}),
    ...(resource.nodeId ? { nodeId: resource.nodeId } : {}),
    ...(resource.ipAddress ? { ipAddress: resource.ipAddress } : {}),
    createdAt: resource.createdAt,
    updatedAt: resource.updatedAt,
  };
  if (endedUnsuccessfully(executionStatus)) {
    // The saga died without MarkFailed recording why (a compensation itself failed, or the execution timed out).
    logger.warn('Provision saga ended without recording an outcome', { srn: resource.srn, executionStatus });
    return { ...view, status: 'FAILED', failure: { code: 'INTERNAL', message: INTERNAL_PROVISIONING_MESSAGE } };
  }
  return view;
}
