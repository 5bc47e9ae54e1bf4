/** POST /projects (tenant-admin): creates a project in the caller's tenant; 201 with the project. */
import { CreateProjectBody } from '../../../../shared/contracts/provisioning-api.js';
import { apiCommand } from '../../../../shared/http/api-command.js';
import { dynamoProjects } from '../../adapters/dynamo-projects.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { createProject } from '../../use-cases/create-project.js';

// Roles are checked by the use case, not by `apiCommand`: a refusal must also leave a DENIED audit record.
export const handler = apiCommand(
  { body: CreateProjectBody, status: 201, location: '/projects/{projectId}' },
  ({ body, principal, idempotencyKey, correlationId }) =>
    createProject(
      { body, principal, idempotencyKey, correlationId },
      { projects: dynamoProjects(), audit: eventBridgeAuditTrail() },
    ),
);
