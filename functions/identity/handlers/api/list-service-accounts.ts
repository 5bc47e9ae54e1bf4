/** GET /projects/{projectId}/service-accounts (tenant-admin): the project's accounts, without secrets. */
import { ProjectServiceAccountsPath } from '../../../../shared/contracts/identity-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoServiceAccounts } from '../../adapters/dynamo-service-accounts.js';
import { eventBridgeIdentityAudit } from '../../adapters/event-bridge-audit.js';
import { listServiceAccounts } from '../../use-cases/manage-service-accounts.js';

export const handler = apiHandler(
  { path: ProjectServiceAccountsPath, roles: ['tenant-admin'] },
  async ({ path, principal, correlationId }) => ({
    statusCode: 200,
    body: {
      serviceAccounts: await listServiceAccounts(
        { projectId: path.projectId, principal, correlationId },
        { accounts: dynamoServiceAccounts(), audit: eventBridgeIdentityAudit() },
      ),
    },
  }),
);
