/**
 * POST /projects/{projectId}/service-accounts (tenant-admin): 201 with the client id and secret, shown this once.
 * Not an `apiCommand`: its idempotency layer would keep the answer, and so the secret, for a day
 * (docs/adr/0038-service-accounts.md); the account's id derives from the Idempotency-Key instead.
 */
import { CreateServiceAccountBody, ProjectServiceAccountsPath } from '../../../../shared/contracts/identity-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoServiceAccounts } from '../../adapters/dynamo-service-accounts.js';
import { eventBridgeIdentityAudit } from '../../adapters/event-bridge-audit.js';
import { createServiceAccount } from '../../use-cases/manage-service-accounts.js';

export const handler = apiHandler(
  {
    path: ProjectServiceAccountsPath,
    body: CreateServiceAccountBody,
    roles: ['tenant-admin'],
    requireIdempotencyKey: true,
  },
  async ({ path, body, principal, idempotencyKey, correlationId }) => {
    const created = await createServiceAccount(
      { projectId: path.projectId, body, principal, idempotencyKey: idempotencyKey as string, correlationId },
      { accounts: dynamoServiceAccounts(), audit: eventBridgeIdentityAudit() },
    );
    const location = `/projects/${path.projectId}/service-accounts/${created.serviceAccountId}`;
    return { statusCode: 201, body: created, headers: { Location: location } };
  },
);
