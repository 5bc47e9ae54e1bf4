import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../../../functions/checkout/handlers/events/checkout-requested.js';
import { CheckoutSagaInput } from '../../../../../shared/contracts/checkout-saga.js';
import { logger } from '../../../../../shared/powertools/index.js';
import {
  cartItem,
  envelope,
  executionArnOf,
  lambdaContext,
  START_BODY,
  signAgentToken,
  sqsBatch,
  trustDevIssuerAndSignProofs,
} from '../../checkouts-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
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

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

let proofs: Record<string, string>;
let agentToken: string;
beforeAll(async () => {
  proofs = await trustDevIssuerAndSignProofs();
  agentToken = await signAgentToken();
});

/** A request of user-ada's agent, with the proof issued for its idempotency key unless `data` says otherwise. */
const requested = (data: Record<string, unknown> = {}, id = 'evt-0001') => {
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
    { id, source: 'sagastack.agents' },
  );
};

/** A healthy neighbour in every batch: Powertools fails the whole invocation when every record fails. */
const neighbour = () => requested({ idempotencyKey: 'agent-key-0002' }, 'evt-0002');

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  dynamo.on(GetCommand, { TableName: 'carts-table' }).resolves({ Item: cartItem() });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({ executionArn: executionArnOf(input.name) }));
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('CheckoutRequested.v1 consumer', () => {
  it('starts a checkout saga for the customer named in the event, with the event correlation id', async () => {
    // Act
    const response = await handler(sqsBatch(requested({ discountCode: 'WELCOME10' })), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    const [startExecution] = sfn.commandCalls(StartExecutionCommand);
    const input = CheckoutSagaInput.parse(JSON.parse(startExecution?.args[0].input.input ?? '{}'));
    expect(input).toEqual({
      checkoutId: expect.any(String),
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      cartId: START_BODY.cartId,
      correlationId: 'corr-event-0001',
      discountCode: 'WELCOME10',
      requestedAt: expect.any(String),
    });
    expect(startExecution?.args[0].input.input).not.toContain(START_BODY.paymentToken);
    expect(startExecution?.args[0].input.name).toBe(input.checkoutId);
    // The request's payment details stay with the checkout record (ADR 0029).
    // The address arrives in clear on the bus and is sealed before it is stored; its tax location stays (ADR 0040).
    const stored = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(stored).toMatchObject({
      customerId: 'user-ada',
      paymentToken: START_BODY.paymentToken,
      taxLocation: { country: 'US', region: 'CA' },
      personalData: expect.any(String),
    });
    expect(JSON.stringify(stored)).not.toContain(START_BODY.shippingAddress.postalCode);
  });

  it('logs neither the payment token nor the address of a request, accepted, refused or invalid', async () => {
    // Prepare: distinctive values, so that any log argument holding them shows.
    const secret = { paymentToken: 'tok_agent_secret_77', postalCode: 'PC-SECRET-77' };
    const details = {
      paymentToken: secret.paymentToken,
      shippingAddress: { country: 'US', region: 'CA', postalCode: secret.postalCode },
    };
    dynamo.on(GetCommand, { TableName: 'carts-table', Key: { cartId: 'cart-empty' } }).resolves({
      Item: cartItem({ cartId: 'cart-empty', items: {} }),
    });
    const logged = (['debug', 'info', 'warn', 'error'] as const).map((level) => vi.spyOn(logger, level));

    // Act
    const response = await handler(
      sqsBatch(
        requested(details),
        requested({ ...details, idempotencyKey: 'agent-key-0002', cartId: 'cart-empty' }, 'evt-0002'),
        requested({ ...details, idempotencyKey: 'agent-key-0003', cartId: 'not a cart id' }, 'evt-0003'),
      ),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['msg-2', 'msg-3']);
    const lines = logged.flatMap((spy) => spy.mock.calls).map((args) => JSON.stringify(args));
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line).not.toContain(secret.paymentToken);
      expect(line).not.toContain(secret.postalCode);
    }
  });

  it('fails a message that does not match the schema and logs why, so the DLQ receives it with a reason', async () => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const invalid = requested({ shippingAddress: { country: 'usa', region: 'CA', postalCode: '1' } });

    // Act
    const response = await handler(sqsBatch(invalid, neighbour()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Checkout request refused: it does not match its schema'),
      expect.objectContaining({
        eventId: 'evt-0001',
        issues: [expect.objectContaining({ path: 'detail.data.shippingAddress.country' })],
      }),
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('fails a message that is not JSON', async () => {
    // Act
    const response = await handler(sqsBatch('{not json', neighbour()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
  });

  it.each([
    ['a cart of another customer', cartItem({ ownerSub: 'user-bob' }), 'NOT_FOUND', 'Cart cart-ada was not found'],
    ['a cart of another tenant', cartItem({ tenantId: 'tenant-b' }), 'NOT_FOUND', 'Cart cart-ada was not found'],
    ['an empty cart', cartItem({ items: {} }), 'INVALID_CART', 'Cart cart-ada is empty'],
  ])('fails a request for %s and logs the reason', async (_case, cart, code, reason) => {
    // Prepare
    dynamo.on(GetCommand, { TableName: 'carts-table', Key: { cartId: 'cart-ada' } }).resolves({ Item: cart });
    dynamo.on(GetCommand, { TableName: 'carts-table', Key: { cartId: 'cart-ok' } }).resolves({
      Item: cartItem({ cartId: 'cart-ok' }),
    });
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const response = await handler(
      sqsBatch(requested(), requested({ idempotencyKey: 'agent-key-0002', cartId: 'cart-ok' }, 'evt-0002')),
      lambdaContext,
    );

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(warn).toHaveBeenCalledWith(
      'Checkout request refused; its queue will dead-letter it',
      expect.objectContaining({ eventId: 'evt-0001', cartId: 'cart-ada', code, reason }),
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it.each([
    [
      'an expired agent token',
      () => signAgentToken({}, -60),
      'UNAUTHORIZED',
      /agent token is refused: The token has expired/,
    ],
    ['an agent token of another tenant', () => signAgentToken({ tenant: 'tenant-b' }), 'FORBIDDEN', /another tenant/],
    [
      'an agent token of another account',
      () => signAgentToken({ sub: 'sa_ffffffffffffffffffffffff' }),
      'FORBIDDEN',
      /act\.sub/,
    ],
    ['an account without the checkout-agent role', () => signAgentToken({ roles: ['member'] }), 'FORBIDDEN', /lacks/],
  ])('refuses %s, logs the reason and writes nothing', async (_case, token, code, reason) => {
    // Prepare
    const warn = vi.spyOn(logger, 'warn');
    const refused = requested({ agentToken: await token() });

    // Act
    const response = await handler(sqsBatch(refused, neighbour()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(warn).toHaveBeenCalledWith(
      'Checkout request refused; its queue will dead-letter it',
      expect.objectContaining({ eventId: 'evt-0001', code, reason: expect.stringMatching(reason) }),
    );
    // Only the neighbour's checkout is written and started.
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('fails a transient error as a plain failure to retry, without calling it a refusal', async () => {
    // Prepare
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(new Error('Rate exceeded'))
      .callsFake((input: { name: string }) => ({ executionArn: executionArnOf(input.name) }));
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const response = await handler(sqsBatch(requested(), neighbour()), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
    expect(warn).not.toHaveBeenCalledWith(expect.stringContaining('refused'), expect.anything());
  });

  it('reports every record as failed when all fail, so SQS redelivers the whole batch', async () => {
    // Act
    const response = await handler(sqsBatch('{not json'), lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'msg-1' }]);
  });
});
