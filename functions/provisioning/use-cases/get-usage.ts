/** `GET /projects/{projectId}/usage` (viewer and above): what the billing worker metered, hour by hour. */
import type { Principal } from '../../../shared/contracts/common.js';
import type { UsageView } from '../../../shared/contracts/provisioning-api.js';
import { projectSrn } from '../domain/srn.js';
import type { AuditTrail } from '../ports/audit.js';
import type { Projects } from '../ports/projects.js';
import type { UsageReader } from '../ports/usage-reader.js';
import { requireRole } from './authorize.js';
import { bindSrn } from './log-context.js';
import { findTenantProject } from './tenant-projects.js';

export async function getUsage(
  query: { projectId: string; principal: Principal; correlationId: string },
  ports: { projects: Projects; usage: UsageReader; audit: AuditTrail },
): Promise<UsageView> {
  const { principal, correlationId } = query;
  const project = await findTenantProject(query.projectId, principal, ports.projects);
  const srn = projectSrn(project.tenantId, project.projectId);
  bindSrn(srn);
  await requireRole({ principal, required: 'viewer', action: 'usage.read', srn, correlationId }, ports.audit);

  const periods = (await ports.usage.periodsOf(project.projectId))
    .map(({ period, lines, totalMicros }) => ({ period, lines: [...lines], totalMicros }))
    .sort((a, b) => a.period.localeCompare(b.period));
  // The project's total is the sum of what each hour says, exactly as an invoice would add it up.
  const totalMicros = periods.reduce((sum, period) => sum + period.totalMicros, 0);
  return { projectId: project.projectId, periods, totalMicros };
}
