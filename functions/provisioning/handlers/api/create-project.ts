/** POST /projects (tenant-admin): creates a project in the caller's tenant; 201 with the project. */
import { CreateProjectBody } from '../../../../shared/contracts/provisioning-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { idempotentCommand } from '../../../../shared/idempotency.js';
import { dynamoProjects } from '../../adapters/dynamo-projects.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { type CreateProjectCommand, createProject } from '../../use-cases/create-project.js';

/** Once per caller and Idempotency-Key; the same key with another body is refused (409 IDEMPOTENCY_KEY_REUSED). */
const createProjectOnce = idempotentCommand(
  (input: { idempotencyKey: string; payload: CreateProjectBody; command: CreateProjectCommand }) =>
    createProject(input.command, { projects: dynamoProjects(), audit: eventBridgeAuditTrail() }),
  { keyPath: 'idempotencyKey', payloadPath: 'payload' },
);

// Roles are checked by the use case, not by `apiHandler`: a refusal must also leave a DENIED audit record.
export const handler = apiHandler(
  { body: CreateProjectBody, requireIdempotencyKey: true },
  async ({ body, principal, idempotencyKey, correlationId, context }) => {
    const key = idempotencyKey as string;
    createProjectOnce.registerContext(context);
    const project = await createProjectOnce({
      idempotencyKey: `${principal.tenant}:${principal.sub}:${key}`,
      payload: body,
      command: { body, principal, idempotencyKey: key, correlationId },
    });
    return { statusCode: 201, body: project, headers: { Location: `/projects/${project.projectId}` } };
  },
);
