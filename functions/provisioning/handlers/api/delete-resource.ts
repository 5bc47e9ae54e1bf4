/** DELETE /resources/{resourceId} (member and above): starts the deprovision saga; repeats answer the same 202. */
import { ResourcePath } from '../../../../shared/contracts/provisioning-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoResources } from '../../adapters/dynamo-resources.js';
import { eventBridgeAuditTrail } from '../../adapters/event-bridge-audit.js';
import { stepFunctionsProvisioningSagas } from '../../adapters/step-functions-sagas.js';
import { deleteResource } from '../../use-cases/delete-resource.js';

export const handler = apiHandler({ path: ResourcePath }, async ({ path, principal, correlationId }) => {
  const accepted = await deleteResource(
    { resourceId: path.resourceId, principal, correlationId },
    { resources: dynamoResources(), sagas: stepFunctionsProvisioningSagas(), audit: eventBridgeAuditTrail() },
  );
  return { statusCode: 202, body: accepted, headers: { Location: `/resources/${accepted.resourceId}` } };
});
