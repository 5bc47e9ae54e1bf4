/** DELETE /projects/{projectId}/service-accounts/{serviceAccountId} (tenant-admin): 204; its tokens expire alone. */
import { ServiceAccountPath } from '../../../../shared/contracts/identity-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoServiceAccounts } from '../../adapters/dynamo-service-accounts.js';
import { eventBridgeIdentityAudit } from '../../adapters/event-bridge-audit.js';
import { deleteServiceAccount } from '../../use-cases/manage-service-accounts.js';

export const handler = apiHandler(
  { path: ServiceAccountPath, roles: ['tenant-admin'] },
  async ({ path, principal, correlationId }) => {
    await deleteServiceAccount(
      { ...path, principal, correlationId },
      { accounts: dynamoServiceAccounts(), audit: eventBridgeIdentityAudit() },
    );
    return { statusCode: 204 };
  },
);
