import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FakeIntegrations,
  fullHistory,
  type Harness,
  invokeTask,
  startHarness,
  stateMachine,
  thrown,
} from './stepfunctions-harness.js';

const CHECKOUT_SAGA = {
  StartAt: 'ReserveInventory',
  States: {
    ReserveInventory: invokeTask('reserve', {
      ResultPath: '$.reservation',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CheckoutFailed' }],
      Next: 'ChargePayment',
    }),
    ChargePayment: invokeTask('charge', {
      ResultPath: '$.payment',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RefundPayment' }],
      Next: 'CreateShipment',
    }),
    CreateShipment: invokeTask('ship', {
      ResultPath: '$.shipment',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CancelShipment' }],
      End: true,
    }),
    CancelShipment: invokeTask('cancelShipment', { ResultPath: null, Next: 'RefundPayment' }),
    RefundPayment: invokeTask('refund', { ResultPath: null, Next: 'ReleaseInventory' }),
    ReleaseInventory: invokeTask('release', { ResultPath: null, Next: 'CheckoutFailed' }),
    CheckoutFailed: { Type: 'Fail', Error: 'CheckoutFailed', Cause: 'The checkout was compensated' },
  },
};

const ok = (payload: unknown) => () => ({ payload });

describe('Step Functions sagas through the SFN API', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('runs the Catch of a failed step into the compensations, in reverse order', async () => {
    // Prepare
    const integrations = new FakeIntegrations({
      reserve: ok({ reservationId: 'r-1' }),
      charge: () => thrown('PaymentDeclinedError', 'card declined'),
      ship: ok({ shipmentId: 's-1' }),
      cancelShipment: ok({}),
      refund: ok({}),
      release: ok({}),
    });
    harness = await startHarness(integrations);
    harness.service.addStateMachine(stateMachine('Checkout', CHECKOUT_SAGA));

    // Act
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({
        stateMachineArn: stateMachine('Checkout', {}).arn,
        name: 'checkout-1',
        input: JSON.stringify({ checkoutId: 'c-1' }),
      }),
    );
    await harness.service.whenIdle();
    const described = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    const history = await fullHistory(harness.client, executionArn ?? '');

    // Assess
    expect(integrations.calledFunctions()).toEqual(['reserve', 'charge', 'refund', 'release']);
    expect(described.status).toBe('FAILED');
    expect(described.error).toBe('CheckoutFailed');
    expect(described.cause).toBe('The checkout was compensated');
    expect(described.stopDate).toBeInstanceOf(Date);
    const refundInput = integrations.functionCalls[2]?.payload as { error: { Error: string; Cause: string } };
    expect(refundInput.error.Error).toBe('PaymentDeclinedError');
    expect(JSON.parse(refundInput.error.Cause)).toEqual({
      errorType: 'PaymentDeclinedError',
      errorMessage: 'card declined',
      trace: ['PaymentDeclinedError: card declined', '    at handler (index.js:1:1)'],
    });
    const failed = history.find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'PaymentDeclinedError',
    });
    const entered = history.filter((event) => event.type === 'TaskStateEntered');
    expect(entered.map((event) => event.stateEnteredEventDetails?.name)).toEqual([
      'ReserveInventory',
      'ChargePayment',
      'RefundPayment',
      'ReleaseInventory',
    ]);
    expect(history.at(-2)?.type).toBe('FailStateEntered');
    expect(history.at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'CheckoutFailed', cause: 'The checkout was compensated' },
    });
    expect(history.map((event) => event.id)).toEqual(history.map((_, index) => index + 1));
    expect(history.every((event) => event.previousEventId === (event.id ?? 0) - 1)).toBe(true);
  });

  it('retries a step that fails once with a retryable error, and the history shows both attempts', async () => {
    // Prepare
    const integrations = new FakeIntegrations({
      reserve: (_, call) =>
        call === 1 ? thrown('InventoryBusyError', 'try again') : { payload: { reservationId: 'r-2' } },
    });
    harness = await startHarness(integrations);
    const definition = {
      StartAt: 'ReserveInventory',
      States: {
        ReserveInventory: invokeTask('reserve', {
          Retry: [
            {
              ErrorEquals: ['InventoryBusyError'],
              IntervalSeconds: 1,
              MaxAttempts: 3,
              BackoffRate: 2,
              MaxDelaySeconds: 2,
              JitterStrategy: 'FULL',
            },
          ],
          End: true,
        }),
      },
    };
    harness.service.addStateMachine(stateMachine('Reserve', definition));

    // Act
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: stateMachine('Reserve', {}).arn, input: '{"checkoutId":"c-2"}' }),
    );
    await harness.service.whenIdle();
    const described = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    const history = await fullHistory(harness.client, executionArn ?? '');
    const newestFirst = await harness.client.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
    );
    const withoutData = await harness.client.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }),
    );
    const machine = await harness.client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));

    // Assess
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({ Payload: { reservationId: 'r-2' } });
    expect(history.filter((event) => event.type === 'TaskScheduled')).toHaveLength(2);
    expect(history.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = history.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails;
    expect(JSON.parse(scheduled?.parameters ?? '')).toEqual({
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:reserve',
      Payload: { checkoutId: 'c-2' },
    });
    expect(newestFirst.events?.[0]?.type).toBe('ExecutionSucceeded');
    expect(newestFirst.nextToken).toBeDefined();
    expect(withoutData.events?.[0]?.executionStartedEventDetails).toEqual({
      roleArn: 'arn:aws:iam::000000000000:role/Reserve-role',
    });
    expect(machine.name).toBe('Reserve');
    expect(JSON.parse(machine.definition ?? '')).toEqual(definition);
  });

  it('answers a repeated StartExecution name like AWS: same execution while running with the same input', async () => {
    // Prepare
    const { client, service } = await startHarness(new FakeIntegrations()).then((started) => (harness = started));
    const definition = { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 3600, End: true } } };
    service.addStateMachine(stateMachine('Holding', definition));
    const stateMachineArn = stateMachine('Holding', {}).arn;
    const start = (input: string) =>
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'order-7', input }));

    // Act
    const first = await start('{"orderId":"o-7"}');
    const repeated = await start('{"orderId":"o-7"}');
    const conflicting = await start('{"orderId":"o-8"}').catch((error: unknown) => error);
    await client.send(new StopExecutionCommand({ executionArn: first.executionArn, cause: 'test over' }));
    const afterClose = await start('{"orderId":"o-7"}').catch((error: unknown) => error);
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn }));
    const running = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    const history = await fullHistory(client, first.executionArn ?? '');

    // Assess
    expect(first.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Holding:order-7');
    expect(repeated.executionArn).toBe(first.executionArn);
    expect(repeated.startDate).toEqual(first.startDate);
    expect(conflicting).toBeInstanceOf(ExecutionAlreadyExists);
    expect(afterClose).toBeInstanceOf(ExecutionAlreadyExists);
    expect(listed.executions?.map((execution) => [execution.name, execution.status])).toEqual([['order-7', 'ABORTED']]);
    expect(running.executions).toEqual([]);
    expect(history.map((event) => event.type).slice(-2)).toEqual(['WaitStateAborted', 'ExecutionAborted']);
    expect(history.at(-1)?.executionAbortedEventDetails?.cause).toBe('test over');
  });
});
