/** GET /projects/{projectId}/usage (viewer and above): metered usage by UTC hour, as the billing worker wrote it. */
import { ProjectPath } from '../../../../shared/contracts/provisioning-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoProjects } from '../../adapters/dynamo-projects.js';
import { dynamoUsageReader } from '../../adapters/dynamo-usage-reader.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { getUsage } from '../../use-cases/get-usage.js';

export const handler = apiHandler({ path: ProjectPath }, async ({ path, principal, correlationId }) => ({
  statusCode: 200,
  body: await getUsage(
    { projectId: path.projectId, principal, correlationId },
    { projects: dynamoProjects(), usage: dynamoUsageReader(), audit: eventBridgeAuditTrail() },
  ),
}));
