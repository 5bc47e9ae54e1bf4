/** Saga step ValidateRequest: the project is the tenant's, and the resource is the one the API recorded, PROVISIONING. */
import type { ResourceStepCommand } from '../../../shared/contracts/provisioning-saga.js';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/errors.js';
import { resolveFlavor } from '../domain/flavors.js';
import type { Projects } from '../ports/projects.js';
import type { Resources } from '../ports/resources.js';

export async function validateRequest(
  command: ResourceStepCommand,
  ports: { projects: Projects; resources: Resources },
): Promise<{ ok: true }> {
  const { resourceId, projectId, tenantId } = command;
  const [project, resource] = await Promise.all([ports.projects.find(projectId), ports.resources.find(resourceId)]);
  if (!project || project.tenantId !== tenantId) throw new NotFoundError('Project', projectId);
  if (!resource || resource.tenantId !== tenantId || resource.projectId !== projectId) {
    throw new NotFoundError('Resource', resourceId);
  }
  if (resource.srn !== command.srn) {
    throw new ValidationError(`The saga's SRN does not name resource ${resourceId}`, [
      { path: 'srn', message: `expected ${resource.srn}` },
    ]);
  }
  if (resource.status !== 'PROVISIONING') {
    throw new ConflictError('RESOURCE_NOT_PROVISIONING', `Resource ${resourceId} is ${resource.status}`, {
      resourceId,
      status: resource.status,
    });
  }
  resolveFlavor(command);
  return { ok: true };
}
