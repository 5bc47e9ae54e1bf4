import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as checkoutRequestedHandler } from '../../../../../functions/checkout/handlers/events/checkout-requested.js';
import {
  envelope,
  lambdaContext,
  START_BODY,
  signAgentToken,
  sqsBatch,
  trustDevIssuerAndSignProofs,
} from '../../checkouts-harness.js';
import { prepareStores, sfn } from '../idempotency-harness.js';

vi.hoisted(() => {
  delete process.env.POWERTOOLS_IDEMPOTENCY_DISABLED;
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    CARTS_TABLE_NAME: 'carts-table',
    CHECKOUTS_TABLE_NAME: 'checkouts-table',
    IDEMPOTENCY_TABLE_NAME: 'idempotency-table',
    CHECKOUT_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:000000000000:stateMachine:checkout-saga',
    // Agents' own tokens (signAgentToken in the harness): read by the handler at import.
    PLATFORM_TOKEN_ISSUER: 'https://platform.sagastack.test',
    PLATFORM_TOKEN_AUDIENCE: 'sagastack-api',
    PLATFORM_SIGNING_KEY_ARN: 'arn:aws:kms:us-east-1:000000000000:key/99999999-8888-7777-6666-555555555555',
  });
});

let proofs: Record<string, string>;
let agentToken: string;
beforeAll(async () => {
  proofs = await trustDevIssuerAndSignProofs();
  agentToken = await signAgentToken();
});
beforeEach(prepareStores);

describe('CheckoutRequested.v1 idempotency', () => {
  const requested = (eventId: string, data: Record<string, unknown> = {}) => {
    const idempotencyKey = String(data.idempotencyKey ?? 'agent-key-0001');
    return envelope(
      'CheckoutRequested.v1',
      {
        idempotencyKey,
        customerId: 'user-ada',
        tenantId: 'tenant-a',
        ...START_BODY,
        proof: proofs[idempotencyKey],
        agentToken,
        ...data,
      },
      { id: eventId, source: 'sagastack.agents' },
    );
  };

  it('starts one saga for two events carrying the same idempotency key and body', async () => {
    // Act
    const first = await checkoutRequestedHandler(sqsBatch(requested('evt-1')), lambdaContext);
    const second = await checkoutRequestedHandler(sqsBatch(requested('evt-2')), lambdaContext);

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('fails (towards the DLQ) an event that reuses a key with another body', async () => {
    // Act
    await checkoutRequestedHandler(sqsBatch(requested('evt-1')), lambdaContext);
    const second = await checkoutRequestedHandler(
      sqsBatch(
        requested('evt-2', { discountCode: 'WELCOME10' }),
        requested('evt-3', { idempotencyKey: 'agent-key-0002' }),
      ),
      lambdaContext,
    );

    // Assess
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
  });
});
