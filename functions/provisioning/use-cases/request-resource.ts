/**
 * `POST /projects/{projectId}/resources`: checks the project, the role, the catalog and the tenant's quota, records
 * the resource PROVISIONING and starts its provision saga. A request over quota is refused before anything is
 * reserved or written; the saga's ReserveQuota is what actually takes the quota.
 */
import type { Principal } from '../../../shared/contracts/common.js';
import type { RequestResourceBody, ResourceAccepted } from '../../../shared/contracts/provisioning-api.js';
import type { ResourceAmounts } from '../../../shared/contracts/provisioning-saga.js';
import { BusinessRuleError, ConflictError, TransientError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { demandOf, resolveFlavor } from '../domain/flavors.js';
import { resourceIdFor } from '../domain/ids.js';
import { decideQuota, describeShortfall, shortfallDetails, ZERO } from '../domain/quota.js';
import { resourceRequestOf } from '../domain/resource-request.js';
import { projectSrn, resourceSrn } from '../domain/srn.js';
import type { AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Projects } from '../ports/projects.js';
import type { ResourceRecord, Resources } from '../ports/resources.js';
import type { ProvisioningSagas } from '../ports/sagas.js';
import type { TenantQuotas } from '../ports/tenant-quotas.js';
import { actorOf, requireRole } from './authorize.js';
import { bindSrn } from './log-context.js';
import { sagaInputFor } from './saga-input.js';
import { findTenantProject } from './tenant-projects.js';

export interface RequestResourceCommand {
  readonly projectId: string;
  readonly body: RequestResourceBody;
  readonly principal: Principal;
  /** The client's Idempotency-Key: the resource's id derives from it, so a repeat finds the same resource. */
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface RequestResourcePorts {
  readonly projects: Projects;
  readonly resources: Resources;
  readonly quotas: TenantQuotas;
  readonly sagas: ProvisioningSagas;
  readonly audit: AuditTrail;
  readonly defaultQuotas: () => ResourceAmounts;
  /** Whether the stage offers the test flavors (never production's). @default false */
  readonly testFlavorsOffered?: boolean;
  readonly clock?: Clock;
}

export async function requestResource(
  command: RequestResourceCommand,
  ports: RequestResourcePorts,
): Promise<ResourceAccepted> {
  const { principal, body, correlationId } = command;
  const tenantId = principal.tenant;
  const project = await findTenantProject(command.projectId, principal, ports.projects);
  await requireRole(
    {
      principal,
      required: 'member',
      action: 'resource.create',
      srn: projectSrn(tenantId, project.projectId),
      correlationId,
    },
    ports.audit,
  );
  const flavor = resolveFlavor(body, { testFlavors: ports.testFlavorsOffered ?? false });
  const resourceId = resourceIdFor(tenantId, principal.sub, command.idempotencyKey);

  // A repeat of a request that got this far before: carry on from where it stopped, without checking quota again
  // (the resource's own reservation may already count against it).
  const earlier = await ports.resources.find(resourceId);
  if (earlier) return resume(earlier, command, ports);

  const tenant = await ports.quotas.find(tenantId);
  const demand = demandOf(flavor);
  const decision = decideQuota(tenant?.quotas ?? ports.defaultQuotas(), tenant?.used ?? ZERO, demand);
  if (!decision.fits) {
    metrics.addMetric('ResourceRefusedOverQuota', MetricUnit.Count, 1);
    throw new BusinessRuleError(
      'QUOTA_EXCEEDED',
      describeShortfall(decision, demand),
      shortfallDetails(decision, demand),
    );
  }

  const srn = resourceSrn({ region: body.region, tenantId, projectId: project.projectId, type: body.type, resourceId });
  const { created, resource } = await ports.resources.create({
    resourceId,
    srn,
    tenantId,
    projectId: project.projectId,
    type: body.type,
    flavor: flavor.name,
    region: body.region,
    name: body.name,
    createdBy: principal.sub,
    createdAt: (ports.clock ?? systemClock)().toISOString(),
  });
  // Lost a race against a concurrent repeat of this same request: that one's resource is this one's.
  if (!created) return resume(resource, command, ports);
  metrics.addMetric('ResourceRequested', MetricUnit.Count, 1);
  return startSaga(resource, command, ports, { repeated: false });
}

async function resume(
  resource: ResourceRecord,
  command: RequestResourceCommand,
  ports: RequestResourcePorts,
): Promise<ResourceAccepted> {
  const { body } = command;
  const same =
    resource.projectId === command.projectId &&
    resource.tenantId === command.principal.tenant &&
    resource.type === body.type &&
    resource.flavor === body.flavor &&
    resource.region === body.region &&
    resource.name === body.name;
  bindSrn(resource.srn);
  if (!same) {
    throw new ConflictError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request body',
    );
  }
  if (resource.executionArn) {
    await recordCreation(resource, command, ports, { repeated: true });
    return accepted(resource);
  }
  return startSaga(resource, command, ports, { repeated: true });
}

async function startSaga(
  resource: ResourceRecord,
  command: RequestResourceCommand,
  ports: RequestResourcePorts,
  how: { repeated: boolean },
): Promise<ResourceAccepted> {
  const { resourceId, srn } = resource;
  bindSrn(srn);
  const input = sagaInputFor(resource, { ...command, requestedAt: resource.createdAt });
  let executionArn: string;
  try {
    ({ executionArn } = await ports.sagas.startProvision(input));
  } catch (cause) {
    // The resource stays PROVISIONING without a saga; the client's retry with the same key starts it (the execution
    // name is the resource id, so a saga that did start despite the error is found, not doubled).
    logger.error('The provision saga could not be started', { srn, error: cause as Error });
    throw new TransientError('The resource could not be provisioned yet; please retry', { cause });
  }
  try {
    await ports.resources.attachExecution(
      resourceId,
      'provision',
      executionArn,
      (ports.clock ?? systemClock)().toISOString(),
    );
  } catch (error) {
    // The saga runs and records the outcome; only the step list of GET /resources/{id} is lost.
    logger.error('The execution ARN could not be stored on the resource', { srn, executionArn, error: error as Error });
  }
  await recordCreation(resource, command, ports, how);
  logger.info('Provisioning started', { srn, executionArn });
  return accepted(resource);
}

async function recordCreation(
  resource: ResourceRecord,
  command: RequestResourceCommand,
  ports: RequestResourcePorts,
  how: { repeated: boolean },
): Promise<void> {
  await ports.audit.record({
    action: 'resource.create',
    outcome: 'SUCCEEDED',
    srn: resource.srn,
    tenantId: resource.tenantId,
    actor: actorOf(command.principal),
    correlationId: command.correlationId,
    details: { ...resourceRequestOf(resource), ...(how.repeated ? { repeated: true } : {}) },
  });
}

function accepted(resource: ResourceRecord): ResourceAccepted {
  return { resourceId: resource.resourceId, srn: resource.srn, status: 'PROVISIONING' };
}
