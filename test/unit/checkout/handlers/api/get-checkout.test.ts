import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { INTERNAL_FAILURE_MESSAGE } from '../../../../../functions/checkout/domain/checkout-outcome.js';
import { handler } from '../../../../../functions/checkout/handlers/api/get-checkout.js';
import { CheckoutView } from '../../../../../shared/contracts/checkout-api.js';
import {
  ADA_OTHER_TENANT,
  apiEvent,
  BOB,
  bodyOf,
  executionArnOf,
  lambdaContext,
  PRICING,
} from '../../checkouts-harness.js';

vi.hoisted(() => {
  Object.assign(process.env, {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_METRICS_NAMESPACE: 'sagastack-test',
    CHECKOUTS_TABLE_NAME: 'checkouts-table',
  });
});

const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);

const CHECKOUT_ID = 'chk_01KDQ0000000000000000000000';
const EXECUTION_ARN = executionArnOf(CHECKOUT_ID);

function record(overrides: Record<string, unknown> = {}) {
  return {
    checkoutId: CHECKOUT_ID,
    customerId: 'user-ada',
    tenantId: 'tenant-a',
    cartId: 'cart-ada',
    status: 'RUNNING',
    executionArn: EXECUTION_ARN,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

let nextId = 0;
function event(type: string, extra: Partial<HistoryEvent> = {}): HistoryEvent {
  nextId += 1;
  return {
    id: nextId,
    previousEventId: nextId - 1,
    type: type as HistoryEvent['type'],
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, nextId)),
    ...extra,
  };
}

function taskEvents(name: string, ...outcomes: Array<'TaskSucceeded' | 'TaskFailed'>): HistoryEvent[] {
  return [
    event('TaskStateEntered', { stateEnteredEventDetails: { name } }),
    ...outcomes.flatMap((outcome) => [event('TaskScheduled'), event('TaskStarted'), event(outcome)]),
  ];
}

const get = (caller = apiEvent().requestContext.authorizer) =>
  handler(
    {
      ...apiEvent({ pathParameters: { checkoutId: CHECKOUT_ID } }),
      requestContext: { ...apiEvent().requestContext, authorizer: caller },
    },
    lambdaContext,
  );

beforeEach(() => {
  dynamo.reset();
  sfn.reset();
  nextId = 0;
  sfn.on(GetExecutionHistoryCommand).resolves({ events: [] });
  sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
});

describe('GET /checkouts/{checkoutId}', () => {
  it('shows a completed checkout with its order, totals and every page of saga steps', async () => {
    // Prepare
    dynamo
      .on(GetCommand, { TableName: 'checkouts-table', Key: { checkoutId: CHECKOUT_ID } })
      .resolves({ Item: record({ status: 'COMPLETED', orderId: `ord_${CHECKOUT_ID}`, totals: PRICING.totals }) });
    const firstPage = [event('ExecutionStarted'), ...taskEvents('PriceCart', 'TaskSucceeded')];
    const secondPage = [...taskEvents('ProcessPayment', 'TaskFailed', 'TaskSucceeded'), event('ExecutionSucceeded')];
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: firstPage, nextToken: 'page-2' })
      .resolvesOnce({ events: secondPage });

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(200);
    const view = CheckoutView.parse(bodyOf(response));
    expect(view).toEqual({
      checkoutId: CHECKOUT_ID,
      status: 'COMPLETED',
      orderId: `ord_${CHECKOUT_ID}`,
      totals: PRICING.totals,
      steps: [
        { name: 'PriceCart', status: 'SUCCEEDED', at: '2026-01-01T00:00:05.000Z' },
        { name: 'ProcessPayment', status: 'RETRIED', at: '2026-01-01T00:00:09.000Z' },
        { name: 'ProcessPayment', status: 'SUCCEEDED', at: '2026-01-01T00:00:12.000Z' },
      ],
    });
    const historyCalls = sfn.commandCalls(GetExecutionHistoryCommand);
    expect(historyCalls.map((call) => call.args[0].input.nextToken)).toEqual([undefined, 'page-2']);
    expect(historyCalls[0]?.args[0].input.executionArn).toBe(EXECUTION_ARN);
    // A finished checkout needs no DescribeExecution: the record is the truth.
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it('shows a failed checkout with its failure code and message', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({
      Item: record({
        status: 'FAILED',
        totals: PRICING.totals,
        failure: { code: 'OUT_OF_STOCK', message: 'Not enough stock for SKU-MONITOR' },
      }),
    });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response)).toMatchObject({
      status: 'FAILED',
      failure: { code: 'OUT_OF_STOCK', message: 'Not enough stock for SKU-MONITOR' },
      totals: PRICING.totals,
    });
    expect(bodyOf(response).orderId).toBeUndefined();
  });

  it('shows a running checkout as RUNNING while its execution runs', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response)).toEqual({ checkoutId: CHECKOUT_ID, status: 'RUNNING', steps: [] });
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: EXECUTION_ARN });
  });

  it.each([['FAILED'], ['TIMED_OUT'], ['ABORTED']])(
    'answers FAILED with INTERNAL when the execution ended %s without the saga recording an outcome',
    async (executionStatus) => {
      // Prepare
      dynamo.on(GetCommand).resolves({ Item: record() });
      sfn.on(DescribeExecutionCommand).resolves({ status: executionStatus as 'FAILED' });

      // Act
      const response = await get();

      // Assess
      expect(bodyOf(response)).toMatchObject({
        status: 'FAILED',
        failure: { code: 'INTERNAL', message: INTERNAL_FAILURE_MESSAGE },
      });
    },
  );

  it('shows no steps when the execution is gone (past Step Functions retention)', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record({ status: 'COMPLETED', orderId: 'ord_x' }) });
    sfn.on(GetExecutionHistoryCommand).rejects(new ExecutionDoesNotExist({ message: 'gone', $metadata: {} }));

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toMatchObject({ status: 'COMPLETED', steps: [] });
  });

  it('shows a checkout whose execution ARN was never stored, without steps', async () => {
    // Prepare
    const { executionArn: _omitted, ...withoutArn } = record();
    dynamo.on(GetCommand).resolves({ Item: withoutArn });

    // Act
    const response = await get();

    // Assess
    expect(bodyOf(response)).toEqual({ checkoutId: CHECKOUT_ID, status: 'RUNNING', steps: [] });
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    ['another customer', { principalId: BOB.sub, tenant: BOB.tenant, roles: 'customer' }],
    [
      'the same customer id in another tenant',
      { principalId: ADA_OTHER_TENANT.sub, tenant: 'tenant-b', roles: 'customer' },
    ],
  ])("answers 404 to %s, so a checkout's existence does not leak", async (_case, caller) => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });

    // Act
    const response = await get(caller);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response).error).toMatchObject({
      code: 'NOT_FOUND',
      message: `Checkout ${CHECKOUT_ID} was not found`,
    });
    expect(sfn.calls()).toHaveLength(0);
  });

  it('answers 404 for an unknown checkout', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});

    // Act
    const response = await get();

    // Assess
    expect(response.statusCode).toBe(404);
  });

  it('reads the record consistently, right after POST /checkouts', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({ Item: record() });

    // Act
    await get();

    // Assess
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('answers 400 for a checkout id that is not an identifier', async () => {
    // Act
    const response = await handler(apiEvent({ pathParameters: { checkoutId: 'not/valid' } }), lambdaContext);

    // Assess
    expect(response.statusCode).toBe(400);
    expect(dynamo.calls()).toHaveLength(0);
  });
});
