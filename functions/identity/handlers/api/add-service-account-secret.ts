/**
 * POST /projects/{projectId}/service-accounts/{serviceAccountId}/secrets (tenant-admin): a second secret for a
 * rotation, shown once; at most two are active. Not an `apiCommand`, for the reason `create-service-account.ts` gives.
 */
import { ServiceAccountPath } from '../../../../shared/contracts/identity-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoServiceAccounts } from '../../adapters/dynamo-service-accounts.js';
import { eventBridgeIdentityAudit } from '../../adapters/event-bridge-audit.js';
import { addSecret } from '../../use-cases/manage-service-accounts.js';

export const handler = apiHandler(
  { path: ServiceAccountPath, roles: ['tenant-admin'], requireIdempotencyKey: true },
  async ({ path, principal, idempotencyKey, correlationId }) => ({
    statusCode: 201,
    body: await addSecret(
      { ...path, principal, idempotencyKey: idempotencyKey as string, correlationId },
      { accounts: dynamoServiceAccounts(), audit: eventBridgeIdentityAudit() },
    ),
  }),
);
