import { describe, expect, it } from 'vitest';
import {
  type CheckoutStep,
  checkoutFailureOf,
  checkoutStepsOf,
  type ExecutionHistoryEvent,
  INTERNAL_FAILURE_MESSAGE,
} from '../../../../functions/checkout/domain/checkout-outcome.js';

function lambdaCause(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorType, errorMessage, trace: ['at secret/internal/path.js:1:1'] });
}

describe('checkoutFailureOf', () => {
  it.each([
    ['OutOfStockError', 'OUT_OF_STOCK', 'Not enough stock for SKU-MONITOR'],
    ['PaymentDeclinedError', 'PAYMENT_DECLINED', 'The payment was declined: insufficient funds'],
    ['InvalidCartError', 'INVALID_CART', 'Cart cart-ada is empty'],
  ])('maps %s to %s with the error message of its cause', (errorName, code, message) => {
    // Act
    const failure = checkoutFailureOf({ Error: errorName, Cause: lambdaCause(errorName, message) });

    // Assess
    expect(failure).toEqual({ code, message });
  });

  it('falls back on the errorType of the cause when Error is a generic Step Functions name', () => {
    // Act
    const failure = checkoutFailureOf({
      Error: 'States.TaskFailed',
      Cause: lambdaCause('PaymentDeclinedError', 'The payment was declined: card expired'),
    });

    // Assess
    expect(failure).toEqual({ code: 'PAYMENT_DECLINED', message: 'The payment was declined: card expired' });
  });

  it.each([
    ['an unexpected Lambda error', 'TypeError', lambdaCause('TypeError', "Cannot read properties of undefined ('x')")],
    ['a timeout', 'States.Timeout', 'Task timed out after 30 seconds'],
    [
      'an exhausted transient error',
      'TransientError',
      lambdaCause('TransientError', 'DynamoDB throttled orders-table'),
    ],
    ['a failure without a cause', 'Lambda.Unknown', undefined],
  ])('maps %s to INTERNAL with a generic message that leaks nothing', (_case, errorName, cause) => {
    // Act
    const failure = checkoutFailureOf({ Error: errorName, Cause: cause });

    // Assess
    expect(failure).toEqual({ code: 'INTERNAL', message: INTERNAL_FAILURE_MESSAGE });
    expect(failure.message).not.toMatch(/DynamoDB|orders-table|undefined|secret/);
  });

  it.each([
    ['no cause', undefined],
    ['a cause that is not JSON', 'something broke'],
    ['a cause that is JSON but not an object', '"just a string"'],
    ['a cause without errorMessage', JSON.stringify({ errorType: 'OutOfStockError' })],
    ['a cause with an empty errorMessage', lambdaCause('OutOfStockError', '   ')],
  ])('uses a default message for a known error with %s', (_case, cause) => {
    // Act
    const failure = checkoutFailureOf({ Error: 'OutOfStockError', Cause: cause });

    // Assess
    expect(failure).toEqual({ code: 'OUT_OF_STOCK', message: 'Some items in the cart are out of stock' });
  });

  it('cuts very long messages', () => {
    // Act
    const failure = checkoutFailureOf({
      Error: 'InvalidCartError',
      Cause: lambdaCause('InvalidCartError', 'x'.repeat(2000)),
    });

    // Assess
    expect(failure.code).toBe('INVALID_CART');
    expect(failure.message).toHaveLength(500);
  });
});

/** Builds a history the way Step Functions writes it: ids in order, each event linked to the one before it. */
class HistoryBuilder {
  readonly events: ExecutionHistoryEvent[] = [];
  private lastId = 0;

  constructor(private readonly linked = true) {}

  private push(type: string, extra: Partial<ExecutionHistoryEvent> = {}): this {
    const id = this.lastId + 1;
    this.events.push({
      id,
      ...(this.linked && this.lastId > 0 ? { previousEventId: this.lastId } : {}),
      type,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, id)),
      ...extra,
    });
    this.lastId = id;
    return this;
  }

  started(): this {
    return this.push('ExecutionStarted');
  }

  /** A Task state entered once; each outcome is one attempt ('running' leaves the last one in flight). */
  task(name: string, ...outcomes: Array<'ok' | 'fail' | 'timeout' | 'running'>): this {
    this.push('TaskStateEntered', { stateEnteredEventDetails: { name } });
    for (const outcome of outcomes) {
      this.push('TaskScheduled').push('TaskStarted');
      if (outcome === 'ok') this.push('TaskSucceeded');
      if (outcome === 'fail') this.push('TaskFailed');
      if (outcome === 'timeout') this.push('TaskTimedOut');
    }
    if (outcomes.at(-1) === 'ok') this.push('TaskStateExited');
    return this;
  }

  /** A state whose Resource is a Lambda ARN (the legacy integration). */
  lambdaTask(name: string, ...outcomes: Array<'ok' | 'fail'>): this {
    this.push('TaskStateEntered', { stateEnteredEventDetails: { name } });
    for (const outcome of outcomes) {
      this.push('LambdaFunctionScheduled').push('LambdaFunctionStarted');
      this.push(outcome === 'ok' ? 'LambdaFunctionSucceeded' : 'LambdaFunctionFailed');
    }
    return this;
  }

  pass(name: string): this {
    return this.push('PassStateEntered', { stateEnteredEventDetails: { name } }).push('PassStateExited');
  }

  choice(name: string): this {
    return this.push('ChoiceStateEntered', { stateEnteredEventDetails: { name } }).push('ChoiceStateExited');
  }

  end(type = 'ExecutionSucceeded'): this {
    return this.push(type);
  }
}

const names = (steps: CheckoutStep[]) => steps.map((step) => `${step.name}:${step.status}`);

describe('checkoutStepsOf', () => {
  it('lists each task of a successful saga once, in order, with the time it finished', () => {
    // Prepare
    const history = new HistoryBuilder()
      .started()
      .task('PriceCart', 'ok')
      .task('ReserveInventory', 'ok')
      .task('ProcessPayment', 'ok')
      .task('CreateOrder', 'ok')
      .task('CompleteCheckout', 'ok')
      .task('PublishOrderPlaced', 'ok')
      .end();

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual([
      'PriceCart:SUCCEEDED',
      'ReserveInventory:SUCCEEDED',
      'ProcessPayment:SUCCEEDED',
      'CreateOrder:SUCCEEDED',
      'CompleteCheckout:SUCCEEDED',
      'PublishOrderPlaced:SUCCEEDED',
    ]);
    // PriceCart: entered (2), scheduled (3), started (4), succeeded (5).
    expect(steps[0]).toEqual({ name: 'PriceCart', status: 'SUCCEEDED', at: '2026-01-01T00:00:05.000Z' });
  });

  it('shows retried attempts as RETRIED and the last attempt as the outcome', () => {
    // Prepare
    const history = new HistoryBuilder()
      .started()
      .task('PriceCart', 'ok')
      .task('ProcessPayment', 'fail', 'timeout', 'ok');

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual([
      'PriceCart:SUCCEEDED',
      'ProcessPayment:RETRIED',
      'ProcessPayment:RETRIED',
      'ProcessPayment:SUCCEEDED',
    ]);
  });

  it('shows a caught failure as FAILED, then the compensations', () => {
    // Prepare
    const history = new HistoryBuilder()
      .started()
      .task('PriceCart', 'ok')
      .task('ReserveInventory', 'ok')
      .task('ProcessPayment', 'fail', 'fail')
      .pass('RecordFailure')
      .task('ReleaseInventory', 'fail', 'ok')
      .task('FailCheckout', 'ok')
      .task('PublishCheckoutFailed', 'ok')
      .end('ExecutionSucceeded');

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual([
      'PriceCart:SUCCEEDED',
      'ReserveInventory:SUCCEEDED',
      'ProcessPayment:RETRIED',
      'ProcessPayment:FAILED',
      'ReleaseInventory:RETRIED',
      'ReleaseInventory:SUCCEEDED',
      'FailCheckout:SUCCEEDED',
      'PublishCheckoutFailed:SUCCEEDED',
    ]);
  });

  it('shows an attempt in flight as RUNNING', () => {
    // Prepare
    const history = new HistoryBuilder().started().task('PriceCart', 'ok').task('ReserveInventory', 'running');

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual(['PriceCart:SUCCEEDED', 'ReserveInventory:RUNNING']);
    expect(steps[1]?.at).toBe('2026-01-01T00:00:08.000Z');
  });

  it('reads states that invoke a Lambda ARN directly', () => {
    // Prepare
    const history = new HistoryBuilder()
      .started()
      .lambdaTask('PriceCart', 'fail', 'ok')
      .lambdaTask('ReserveInventory', 'fail');

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual(['PriceCart:RETRIED', 'PriceCart:SUCCEEDED', 'ReserveInventory:FAILED']);
  });

  it('leaves out Pass and Choice states, which are not steps', () => {
    // Prepare
    const history = new HistoryBuilder().started().choice('HasDiscount').pass('Defaults').task('PriceCart', 'ok').end();

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual(['PriceCart:SUCCEEDED']);
  });

  it('works without previousEventId links, as some emulators write them', () => {
    // Prepare
    const history = new HistoryBuilder(false)
      .started()
      .task('PriceCart', 'ok')
      .pass('Between')
      .task('ProcessPayment', 'fail', 'ok');

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual(['PriceCart:SUCCEEDED', 'ProcessPayment:RETRIED', 'ProcessPayment:SUCCEEDED']);
  });

  it('orders by time whatever order the events arrive in, and accepts ISO strings as timestamps', () => {
    // Prepare
    const history = new HistoryBuilder().started().task('PriceCart', 'ok').task('ReserveInventory', 'ok');
    const shuffled = [...history.events]
      .reverse()
      .map((event) => ({ ...event, timestamp: (event.timestamp as Date).toISOString() }));

    // Act
    const steps = checkoutStepsOf(shuffled);

    // Assess
    expect(names(steps)).toEqual(['PriceCart:SUCCEEDED', 'ReserveInventory:SUCCEEDED']);
  });

  it('returns no steps for an empty history', () => {
    // Assess
    expect(checkoutStepsOf([])).toEqual([]);
  });

  it('treats a state entered twice as two separate steps (no retry across entries)', () => {
    // Prepare
    const history = new HistoryBuilder().started().task('Poll', 'fail').pass('Wait').task('Poll', 'ok');

    // Act
    const steps = checkoutStepsOf(history.events);

    // Assess
    expect(names(steps)).toEqual(['Poll:FAILED', 'Poll:SUCCEEDED']);
  });
});
