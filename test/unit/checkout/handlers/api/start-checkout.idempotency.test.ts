import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as startCheckoutHandler } from '../../../../../functions/checkout/handlers/api/start-checkout.js';
import { apiEvent, BOB, bodyOf, executionArnOf, lambdaContext, START_BODY } from '../../checkouts-harness.js';
import { dynamo, prepareStores, sfn } from '../idempotency-harness.js';

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
  });
});

beforeEach(prepareStores);

const post = (body: unknown, key: string, caller = apiEvent().requestContext.authorizer) =>
  startCheckoutHandler(
    {
      ...apiEvent({ method: 'POST', body, headers: { 'Idempotency-Key': key } }),
      requestContext: { ...apiEvent().requestContext, authorizer: caller },
    },
    lambdaContext,
  );

describe('POST /checkouts idempotency', () => {
  it('answers a repeat with the same key and body with the same checkout, starting one saga', async () => {
    // Act
    const first = await post(START_BODY, 'key-same-0001');
    const second = await post(START_BODY, 'key-same-0001');

    // Assess
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(bodyOf(second).checkoutId).toBe(bodyOf(first).checkoutId);
    expect(second.headers?.Location).toBe(first.headers?.Location);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('answers 409 IDEMPOTENCY_KEY_REUSED when the key comes back with another body', async () => {
    // Act
    await post(START_BODY, 'key-reused-0001');
    const reused = await post({ ...START_BODY, discountCode: 'WELCOME10' }, 'key-reused-0001');

    // Assess
    expect(reused.statusCode).toBe(409);
    expect(bodyOf(reused).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('scopes keys to the customer: two customers may pick the same key', async () => {
    // Act
    const ada = await post(START_BODY, 'key-common-0001');
    const bob = await post({ ...START_BODY, cartId: 'cart-bob' }, 'key-common-0001', {
      principalId: BOB.sub,
      tenant: BOB.tenant,
      roles: 'customer',
    });

    // Assess
    expect(ada.statusCode).toBe(202);
    expect(bob.statusCode).toBe(202);
    expect(bodyOf(bob).checkoutId).not.toBe(bodyOf(ada).checkoutId);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
  });

  it('lets a failed attempt be retried with the same key', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(new Error('Rate exceeded'))
      .callsFake((input: { name: string }) => ({ executionArn: executionArnOf(input.name) }));

    // Act
    const failed = await post(START_BODY, 'key-retry-0001');
    const retried = await post(START_BODY, 'key-retry-0001');

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(retried.statusCode).toBe(202);
  });
});
