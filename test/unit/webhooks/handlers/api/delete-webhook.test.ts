import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/api/delete-webhook.js';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/lambda.js';
import {
  ADMIN,
  auditRecords,
  dynamo,
  ENV,
  MEMBER,
  OTHER_TENANT_ADMIN,
  prepareStubs,
  storeWebhook,
  WEBHOOK_ID,
} from '../harness.js';

vi.hoisted(() => {
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
});

beforeEach(() => {
  Object.assign(process.env, ENV);
  prepareStubs();
  storeWebhook();
});

const remove = (caller: typeof ADMIN) =>
  handler(apiEvent({ caller, method: 'DELETE', pathParameters: { webhookId: WEBHOOK_ID } }), lambdaContext);

describe('DELETE /webhooks/{webhookId}', () => {
  it('deletes the webhook and audits it', async () => {
    // Act
    const response = await remove(ADMIN);

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ webhookId: WEBHOOK_ID, deleted: true });
    expect(dynamo.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({ webhookId: WEBHOOK_ID });
    expect(auditRecords()).toEqual([
      expect.objectContaining({
        action: 'webhook.delete',
        outcome: 'SUCCEEDED',
        srn: `srn:sagastack::tenant-a:${WEBHOOK_ID}:webhook/${WEBHOOK_ID}`,
      }),
    ]);
  });

  it('refuses a member with 403 (audited DENIED) and another tenant with 404, deleting nothing', async () => {
    // Act
    const member = await remove(MEMBER);
    const foreign = await remove(OTHER_TENANT_ADMIN);

    // Assess
    expect([member.statusCode, foreign.statusCode]).toEqual([403, 404]);
    expect(dynamo.commandCalls(DeleteCommand)).toEqual([]);
    expect(auditRecords().map((record) => record.outcome)).toEqual(['DENIED']);
  });
});
