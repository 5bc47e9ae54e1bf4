/** GET /resources/{resourceId} (viewer and above): status, failure and saga steps; another tenant's is 404. */
import { ResourcePath } from '../../../../shared/contracts/provisioning-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { stepFunctionsProvisioningSagas } from '../../adapters/step-functions-sagas.js';
import { getResource } from '../../use-cases/get-resource.js';

export const handler = apiHandler({ path: ResourcePath }, async ({ path, principal, correlationId }) => ({
  statusCode: 200,
  body: await getResource(
    { resourceId: path.resourceId, principal, correlationId },
    { resources: dynamoResources(), sagas: stepFunctionsProvisioningSagas(), audit: eventBridgeAuditTrail() },
  ),
}));
