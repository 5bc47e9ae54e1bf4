/**
 * GET /audit?resource={srn}: the resource's audit trail, newest first. Tenant administrators of the resource's tenant
 * only: another tenant's SRN is 404, another role 403 (and a DENIED audit event). Needs AUDIT_TABLE_NAME
 * (`dynamodb:Query`) and EVENT_BUS_NAME (`events:PutEvents`).
 */

import { eventBridgePublisher } from '../../../../shared/aws/event-publisher.js';
import { AuditQuery } from '../../../../shared/contracts/audit-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoAuditReader } from '../../adapters/dynamo-audit-log.js';
import { getAuditTrail } from '../../use-cases/get-audit-trail.js';

// No `roles` here on purpose: the tenant check comes first, so another tenant's SRN is a 404 whatever the caller's role.
export const handler = apiHandler({ query: AuditQuery }, async ({ query, principal, correlationId }) => ({
  statusCode: 200,
  body: await getAuditTrail(query.resource, principal, correlationId, {
    audit: dynamoAuditReader(),
    events: eventBridgePublisher(),
  }),
}));
