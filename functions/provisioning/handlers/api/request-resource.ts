/** POST /projects/{projectId}/resources (member+): holds quota, records the resource, starts the provision saga. */
import { ProjectPath, RequestResourceBody } from '../../../../shared/contracts/provisioning-api.js';
import { apiCommand } from '../../../../shared/http/api-command.js';
import { dynamoProjects } from '../../adapters/dynamo-projects.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { stepFunctionsProvisioningSagas } from '../../adapters/step-functions-sagas.js';
import { requestOffering } from '../../adapters/tenant-defaults.js';
import { requestResource } from '../../use-cases/request-resource.js';

export const handler = apiCommand(
  { path: ProjectPath, body: RequestResourceBody, status: 202, location: '/resources/{resourceId}' },
  (command) =>
    requestResource(
      { ...command, ...command.path },
      {
        projects: dynamoProjects(),
        resources: dynamoResources(),
        ...requestOffering(),
        sagas: stepFunctionsProvisioningSagas(),
        audit: eventBridgeAuditTrail(),
      },
    ),
);
