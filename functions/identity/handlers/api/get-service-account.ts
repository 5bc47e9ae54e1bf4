/** GET /projects/{projectId}/service-accounts/{serviceAccountId} (tenant-admin); another tenant's is 404. */
import { ServiceAccountPath } from '../../../../shared/contracts/identity-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoServiceAccounts } from '../../adapters/dynamo-service-accounts.js';
import { eventBridgeIdentityAudit } from '../../adapters/event-bridge-audit.js';
import { getServiceAccount } from '../../use-cases/manage-service-accounts.js';

export const handler = apiHandler(
  { path: ServiceAccountPath, roles: ['tenant-admin'] },
  async ({ path, principal, correlationId }) => ({
    statusCode: 200,
    body: await getServiceAccount(
      { ...path, principal, correlationId },
      { accounts: dynamoServiceAccounts(), audit: eventBridgeIdentityAudit() },
    ),
  }),
);
