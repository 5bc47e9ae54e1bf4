import { describe, expect, it } from 'vitest';
import { eventBridgeTokenUseAudit } from '../../../../functions/platform/adapters/event-bridge-token-use.js';
import type { EventPublisher } from '../../../../shared/aws/event-publisher.js';
import { AuditEvent } from '../../../../shared/contracts/events/audit-events.js';

describe('eventBridgeTokenUseAudit', () => {
  it("publishes identity.token.use under the identity context's source, on the account's SRN, with the jti", async () => {
    // Prepare
    const published: Array<{ source: string; data: unknown }> = [];
    const publisher: EventPublisher = {
      publish: async (contract, data) => {
        published.push({ source: contract.source, data });
      },
    };
    const identity = { sub: 'sa_1', tenant: 'tenant-a', roles: ['viewer'], project: 'prj_1', tokenId: 'jti-1' };

    // Act
    await eventBridgeTokenUseAudit(publisher).recordUse(
      identity,
      'arn:aws:execute-api:r:a:api/local/GET/projects/prj_1',
    );

    // Assess
    expect(published).toHaveLength(1);
    expect(published[0]?.source).toBe('sagastack.identity');
    const data = AuditEvent.data.parse(published[0]?.data);
    expect(data).toMatchObject({
      action: 'identity.token.use',
      outcome: 'SUCCEEDED',
      srn: 'srn:sagastack::tenant-a:prj_1:service-account/sa_1',
      tenantId: 'tenant-a',
      actor: { sub: 'sa_1', tenant: 'tenant-a', roles: ['viewer'] },
      details: { jti: 'jti-1', methodArn: 'arn:aws:execute-api:r:a:api/local/GET/projects/prj_1' },
    });
  });
});
