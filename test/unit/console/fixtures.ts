/**
 * A small saga as the `Saga` construct shapes one (lib/constructs/saga.ts): two steps, each failure caught into the
 * compensations (their Comments start with "Compensation"), which run in reverse order and end in a Fail state; and
 * the history of an execution whose second step was retried once, then declined and compensated. Wire shape:
 * timestamps in epoch seconds, as GetExecutionHistory's JSON answer has them.
 */
export const sagaDefinition = {
  StartAt: 'ReserveInventory',
  States: {
    ReserveInventory: {
      Type: 'Task',
      Next: 'ProcessPayment',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'ReleaseInventory', ResultPath: '$.failure' }],
    },
    ProcessPayment: {
      Type: 'Task',
      Next: 'Succeeded',
      Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'RefundPayment', ResultPath: '$.failure' }],
    },
    RefundPayment: { Type: 'Task', Comment: 'Compensation: undoes ProcessPayment', Next: 'ReleaseInventory' },
    ReleaseInventory: { Type: 'Task', Comment: 'Compensation: undoes ReserveInventory', Next: 'Failed' },
    Succeeded: { Type: 'Succeed' },
    Failed: { Type: 'Fail', Error: 'SagaFailed' },
  },
};

const declined = JSON.stringify({ errorType: 'PaymentDeclinedError', errorMessage: 'The payment was declined' });
const t0 = 1_800_000_000;

/** Entered, one task attempt (or several), exited: the events a Task state writes. */
function task(name: string, at: number, outcomes: Array<{ error?: string; cause?: string }>, input = '{}') {
  const events: Array<Record<string, unknown>> = [
    { type: 'TaskStateEntered', timestamp: t0 + at, stateEnteredEventDetails: { name, input } },
  ];
  outcomes.forEach((outcome, index) => {
    const step = at + 0.1 * (index + 1);
    events.push({ type: 'TaskScheduled', timestamp: t0 + step });
    events.push(
      outcome.error
        ? { type: 'TaskFailed', timestamp: t0 + step + 0.05, taskFailedEventDetails: outcome }
        : { type: 'TaskSucceeded', timestamp: t0 + step + 0.05, taskSucceededEventDetails: { output: '{}' } },
    );
  });
  events.push({
    type: 'TaskStateExited',
    timestamp: t0 + at + 0.5,
    stateExitedEventDetails: { name, output: `{"after":"${name}"}` },
  });
  return events;
}

export const compensatedHistory = [
  { type: 'ExecutionStarted', timestamp: t0, executionStartedEventDetails: { input: '{"checkoutId":"chk_1"}' } },
  ...task('ReserveInventory', 1, [{}], '{"checkoutId":"chk_1"}'),
  ...task('ProcessPayment', 2, [
    { error: 'TransientError', cause: 'try again' },
    { error: 'PaymentDeclinedError', cause: declined },
  ]),
  ...task('RefundPayment', 3, [{}]),
  ...task('ReleaseInventory', 4, [{}]),
  { type: 'FailStateEntered', timestamp: t0 + 5, stateEnteredEventDetails: { name: 'Failed', input: '{}' } },
  { type: 'ExecutionFailed', timestamp: t0 + 5.1, executionFailedEventDetails: { error: 'SagaFailed' } },
].map((event, index) => ({ id: index + 1, ...event, timestamp: Number(event.timestamp) }));
