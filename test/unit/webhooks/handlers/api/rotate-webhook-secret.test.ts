import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/webhooks/handlers/api/rotate-webhook-secret.js';
import { SecretRotated } from '../../../../../shared/contracts/webhooks-api.js';
import { resolvedExpressions } from '../../../support/dynamo-expressions.js';
import { apiEvent, bodyOf, lambdaContext } from '../../../support/lambda.js';
import {
  ADMIN,
  auditRecords,
  dynamo,
  ENV,
  OTHER_TENANT_ADMIN,
  prepareStubs,
  SECRET,
  sealed,
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

const rotate = (caller: typeof ADMIN) =>
  handler(
    apiEvent({
      caller,
      method: 'POST',
      pathParameters: { webhookId: WEBHOOK_ID },
      headers: { 'Idempotency-Key': 'rotate-00000001' },
    }),
    lambdaContext,
  );

describe('POST /webhooks/{webhookId}/secret', () => {
  it('answers the new secret once and keeps the previous one for the overlap, if no other rotation won', async () => {
    // Act
    const response = await rotate(ADMIN);

    // Assess
    expect(response.statusCode).toBe(201);
    expect(response.headers?.['Cache-Control']).toBe('no-store');
    const rotated = SecretRotated.parse(bodyOf(response));
    expect(rotated.secret).not.toBe(SECRET);
    const update = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(resolvedExpressions(update).condition).toBe(
      `attribute_exists(webhookId) AND secret.ciphertext = ${JSON.stringify(sealed(SECRET, 'tenant-a', WEBHOOK_ID))}`,
    );
    expect(update?.ExpressionAttributeValues?.[':previous']).toMatchObject({
      ciphertext: sealed(SECRET, 'tenant-a', WEBHOOK_ID),
      expiresAt: rotated.previousSecretExpiresAt,
    });
    expect(JSON.stringify(update)).not.toContain(rotated.secret);
    expect(auditRecords()).toEqual([
      expect.objectContaining({ action: 'webhook.rotate-secret', outcome: 'SUCCEEDED' }),
    ]);
  });

  it('answers 404 to another tenant, rotating nothing', async () => {
    // Act
    const response = await rotate(OTHER_TENANT_ADMIN);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(dynamo.commandCalls(UpdateCommand)).toEqual([]);
  });
});
