/** `GET /projects/{projectId}` (viewer and above). */
import type { Principal } from '../../../shared/contracts/common.js';
import type { ProjectView } from '../../../shared/contracts/provisioning-api.js';
import { projectSrn } from '../domain/srn.js';
import type { AuditTrail } from '../ports/audit.js';
import type { Projects } from '../ports/projects.js';
import { requireRole } from './authorize.js';
import { viewOfProject } from './create-project.js';
import { bindSrn } from './log-context.js';
import { findTenantProject } from './tenant-projects.js';

export async function getProject(
  query: { projectId: string; principal: Principal; correlationId: string },
  ports: { projects: Projects; audit: AuditTrail },
): Promise<ProjectView> {
  const { principal, correlationId } = query;
  const project = await findTenantProject(query.projectId, principal, ports.projects);
  const srn = projectSrn(project.tenantId, project.projectId);
  bindSrn(srn);
  await requireRole({ principal, required: 'viewer', action: 'project.read', srn, correlationId }, ports.audit);
  return viewOfProject(project);
}
