/** `POST /projects`: a tenant-admin creates a project in their tenant. */
import type { Principal } from '../../../shared/contracts/common.js';
import type { CreateProjectBody, ProjectView } from '../../../shared/contracts/provisioning-api.js';
import { ConflictError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { projectIdFor } from '../domain/ids.js';
import { projectSrn } from '../domain/srn.js';
import type { AuditTrail } from '../ports/audit.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { ProjectRecord, Projects } from '../ports/projects.js';
import { actorOf, requireRole } from './authorize.js';
import { bindSrn } from './log-context.js';

export interface CreateProjectCommand {
  readonly body: CreateProjectBody;
  readonly principal: Principal;
  /** The client's Idempotency-Key: the project's id derives from it, so a repeat finds the same project. */
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface CreateProjectPorts {
  readonly projects: Projects;
  readonly audit: AuditTrail;
  readonly clock?: Clock;
}

export async function createProject(command: CreateProjectCommand, ports: CreateProjectPorts): Promise<ProjectView> {
  const { principal, correlationId } = command;
  const tenantId = principal.tenant;
  const projectId = projectIdFor(tenantId, principal.sub, command.idempotencyKey);
  const srn = projectSrn(tenantId, projectId);
  bindSrn(srn);
  // A denial is recorded against the project this request would have created.
  await requireRole({ principal, required: 'tenant-admin', action: 'project.create', srn, correlationId }, ports.audit);

  const record: ProjectRecord = {
    projectId,
    tenantId,
    name: command.body.name,
    createdBy: principal.sub,
    createdAt: (ports.clock ?? systemClock)().toISOString(),
  };
  const { created, project } = await ports.projects.create(record);
  if (!created && (project.tenantId !== tenantId || project.name !== record.name)) {
    throw new ConflictError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used with a different request body',
    );
  }

  await ports.audit.record({
    action: 'project.create',
    outcome: 'SUCCEEDED',
    srn,
    tenantId,
    actor: actorOf(principal),
    correlationId,
    details: { name: project.name, ...(created ? {} : { repeated: true }) },
  });
  if (created) metrics.addMetric('ProjectCreated', MetricUnit.Count, 1);
  logger.info(created ? 'Project created' : 'Project creation repeated', { projectId, srn });
  return viewOfProject(project);
}

export function viewOfProject(project: ProjectRecord): ProjectView {
  return {
    projectId: project.projectId,
    name: project.name,
    tenantId: project.tenantId,
    createdAt: project.createdAt,
  };
}
