/**
 * POST /projects/{projectId}/resources (member and above): checks quota, records the resource PROVISIONING and starts
 * the provision saga; 202 with its location. Over quota: 422 QUOTA_EXCEEDED, and nothing is written.
 */
import { ProjectPath, RequestResourceBody } from '../../../../shared/contracts/provisioning-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoProjects } from '../../adapters/dynamo-projects.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { dynamoTenantQuotas } from '../../adapters/dynamo-tenant-quotas.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { stepFunctionsProvisioningSagas } from '../../adapters/step-functions-sagas.js';
import { defaultTenantQuotasFromEnv } from '../../adapters/tenant-defaults.js';
import { idempotentRequestResource } from '../../use-cases/request-resource.js';

const requestResourceOnce = idempotentRequestResource(() => ({
  projects: dynamoProjects(),
  resources: dynamoResources(),
  quotas: dynamoTenantQuotas(),
  sagas: stepFunctionsProvisioningSagas(),
  audit: eventBridgeAuditTrail(),
  defaultQuotas: defaultTenantQuotasFromEnv,
}));

export const handler = apiHandler(
  { path: ProjectPath, body: RequestResourceBody, requireIdempotencyKey: true },
  async ({ path, body, principal, idempotencyKey, correlationId, context }) => {
    const key = idempotencyKey as string;
    requestResourceOnce.registerContext(context);
    const accepted = await requestResourceOnce({
      idempotencyKey: `${principal.tenant}:${principal.sub}:${key}`,
      payload: { projectId: path.projectId, body },
      command: { projectId: path.projectId, body, principal, idempotencyKey: key, correlationId },
    });
    return { statusCode: 202, body: accepted, headers: { Location: `/resources/${accepted.resourceId}` } };
  },
);
