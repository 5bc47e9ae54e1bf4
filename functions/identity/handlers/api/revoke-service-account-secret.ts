/**
 * DELETE /projects/{projectId}/service-accounts/{serviceAccountId}/secrets/{secretId} (tenant-admin): the secret is
 * refused from the next token request on; a repeat answers the same.
 */
import { ServiceAccountSecretPath } from '../../../../shared/contracts/identity-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoServiceAccounts } from '../../adapters/dynamo-service-accounts.js';
import { eventBridgeIdentityAudit } from '../../adapters/event-bridge-audit.js';
import { revokeSecret } from '../../use-cases/manage-service-accounts.js';

export const handler = apiHandler(
  { path: ServiceAccountSecretPath, roles: ['tenant-admin'] },
  async ({ path, principal, correlationId }) => ({
    statusCode: 200,
    body: await revokeSecret(
      { ...path, principal, correlationId },
      { accounts: dynamoServiceAccounts(), audit: eventBridgeIdentityAudit() },
    ),
  }),
);
