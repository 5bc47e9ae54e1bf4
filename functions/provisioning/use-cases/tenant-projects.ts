import type { Principal } from '../../../shared/contracts/common.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { ProjectRecord, Projects } from '../ports/projects.js';
import type { ResourceRecord, Resources } from '../ports/resources.js';

/** The caller's tenant's project; another tenant's is "not found", so its existence does not leak. */
export async function findTenantProject(
  projectId: string,
  principal: Principal,
  projects: Projects,
): Promise<ProjectRecord> {
  const project = await projects.find(projectId);
  if (!project || project.tenantId !== principal.tenant || !withinScope(principal, project.projectId)) {
    throw new NotFoundError('Project', projectId);
  }
  return project;
}

/** The caller's tenant's resource; another tenant's is "not found". */
export async function findTenantResource(
  resourceId: string,
  principal: Principal,
  resources: Resources,
): Promise<ResourceRecord> {
  const resource = await resources.find(resourceId);
  if (!resource || resource.tenantId !== principal.tenant || !withinScope(principal, resource.projectId)) {
    throw new NotFoundError('Resource', resourceId);
  }
  return resource;
}

/**
 * A service account's token reaches its own project only (its scope); anything else is "not found", like another
 * tenant's. People carry no scope. The authorizer already keeps such tokens off other projects' routes; resources are
 * reached by id, so only their record can say whose project they are (docs/service-accounts.md).
 */
const withinScope = (principal: Principal, projectId: string): boolean =>
  principal.project === undefined || principal.project === projectId;
