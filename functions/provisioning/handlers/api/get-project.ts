/** GET /projects/{projectId} (viewer and above); another tenant's project is 404. */
import { ProjectPath } from '../../../../shared/contracts/provisioning-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoProjects } from '../../adapters/dynamo-projects.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { getProject } from '../../use-cases/get-project.js';

export const handler = apiHandler({ path: ProjectPath }, async ({ path, principal, correlationId }) => ({
  statusCode: 200,
  body: await getProject(
    { projectId: path.projectId, principal, correlationId },
    { projects: dynamoProjects(), audit: eventBridgeAuditTrail() },
  ),
}));
