import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { compensationStatesOf, duration, type ExecutionDescription, sagaReport } from '../../../tools/saga-report.js';

const START = Date.parse('2026-01-02T03:04:05.000Z');
const FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:Checkout';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:000000000000:execution:CheckoutSaga:chk_01TEST';
/** The saga's state as it grows: each step adds its result under its own key. */
const SAGA_INPUT = JSON.stringify({ checkoutId: 'chk_01TEST', paymentToken: 'tok_visa', note: 'x'.repeat(300) });
const PRICED = JSON.stringify({ ...JSON.parse(SAGA_INPUT), pricing: { totals: { totalCents: 4200 } } });
const RESERVED = JSON.stringify({ ...JSON.parse(PRICED), reservation: { reservedSkus: ['SKU-1'] } });
const CAUGHT = JSON.stringify({ ...JSON.parse(RESERVED), failure: { Error: 'PaymentDeclinedError' } });
const RECORDED = JSON.stringify({ ...JSON.parse(CAUGHT), failureOutcome: { detailType: 'CheckoutFailed.v1' } });
const CAUSE = (errorType: string, errorMessage: string) =>
  JSON.stringify({
    errorType,
    errorMessage,
    trace: [`${errorType}: ${errorMessage}`, '    at charge (gateway.ts:42:11)'],
  });

/** Builds history events `atMs` after the start, numbered in order, as GetExecutionHistory answers them. */
function history(entries: Array<[atMs: number, type: string, details?: Record<string, unknown>]>): HistoryEvent[] {
  return entries.map(([atMs, type, details], index) => {
    const member = type.endsWith('StateEntered')
      ? 'stateEnteredEventDetails'
      : type.endsWith('StateExited')
        ? 'stateExitedEventDetails'
        : `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    return {
      id: index + 1,
      previousEventId: index,
      timestamp: new Date(START + atMs),
      type,
      ...(details ? { [member]: details } : {}),
    } as HistoryEvent;
  });
}

const lambdaTask = (name: string, from: number, to: number, input: string, output: string) =>
  [
    [from, 'TaskStateEntered', { name, input }],
    [from + 1, 'LambdaFunctionScheduled', { resource: FUNCTION, input }],
    [from + 2, 'LambdaFunctionStarted'],
    [to - 1, 'LambdaFunctionSucceeded', { output }],
    [to, 'TaskStateExited', { name, output }],
  ] as Array<[number, string, Record<string, unknown>?]>;

/**
 * A checkout whose payment first hits an unavailable gateway (retried), then is declined: the decline is caught, the
 * stock is released (a compensation), the failure recorded and published, and the execution fails.
 */
const FAILED_EXECUTION: ExecutionDescription = {
  executionArn: EXECUTION_ARN,
  name: 'chk_01TEST',
  status: 'FAILED',
  startDate: new Date(START),
  stopDate: new Date(START + 2600),
  input: SAGA_INPUT,
  error: 'SagaFailed',
  cause: 'A step failed and the saga compensated; the FailCheckout output has the failure code',
};
const FAILED_HISTORY = history([
  [0, 'ExecutionStarted', { input: SAGA_INPUT, roleArn: 'arn:aws:iam::000000000000:role/saga' }],
  ...lambdaTask('PriceCart', 5, 45, SAGA_INPUT, PRICED),
  ...lambdaTask('ReserveInventory', 50, 80, PRICED, RESERVED),
  [100, 'TaskStateEntered', { name: 'ProcessPayment', input: RESERVED }],
  [101, 'LambdaFunctionScheduled', { resource: FUNCTION, input: RESERVED }],
  [102, 'LambdaFunctionStarted'],
  [
    130,
    'LambdaFunctionFailed',
    {
      error: 'PaymentGatewayUnavailableError',
      cause: CAUSE('PaymentGatewayUnavailableError', 'The payment gateway is temporarily unavailable'),
    },
  ],
  [1330, 'LambdaFunctionScheduled', { resource: FUNCTION, input: RESERVED }],
  [1331, 'LambdaFunctionStarted'],
  [
    1360,
    'LambdaFunctionFailed',
    { error: 'PaymentDeclinedError', cause: CAUSE('PaymentDeclinedError', 'The payment was declined: card declined') },
  ],
  [1361, 'TaskStateExited', { name: 'ProcessPayment', output: CAUGHT }],
  ...lambdaTask('ReleaseInventory', 1400, 1450, CAUGHT, CAUGHT),
  ...lambdaTask('FailCheckout', 1500, 1550, CAUGHT, RECORDED),
  [1560, 'TaskStateEntered', { name: 'PublishCheckoutFailed', input: RECORDED }],
  [1561, 'TaskScheduled', { resourceType: 'events', resource: 'putEvents', parameters: '{}' }],
  [1562, 'TaskStarted', { resourceType: 'events', resource: 'putEvents' }],
  [1590, 'TaskSucceeded', { resourceType: 'events', resource: 'putEvents', output: '{"FailedEntryCount":0}' }],
  [1591, 'TaskStateExited', { name: 'PublishCheckoutFailed', output: RECORDED }],
  [2599, 'FailStateEntered', { name: 'Failed', input: RECORDED }],
  [2600, 'ExecutionFailed', { error: FAILED_EXECUTION.error, cause: FAILED_EXECUTION.cause }],
]);

/** The table row of a state: its number, name and the columns after it. */
function rowOf(lines: readonly string[], stateName: string): string {
  const row = lines.find((line) => new RegExp(`^\\d+\\s+${stateName}\\s`).test(line));
  if (!row) throw new Error(`No row for ${stateName} in:\n${lines.join('\n')}`);
  return row;
}

/** The lines under a state's row, up to the next row. */
function detailsOf(lines: readonly string[], stateName: string): string[] {
  const start = lines.indexOf(rowOf(lines, stateName)) + 1;
  const end = lines.findIndex((line, index) => index >= start && (/^\d+\s/.test(line) || line === ''));
  return lines.slice(start, end);
}

describe('sagaReport', () => {
  it('lists the states in order with their type, status, offset from the start and duration', () => {
    // Act
    const lines = sagaReport(FAILED_EXECUTION, FAILED_HISTORY);

    // Assess
    const rows = lines.filter((line) => /^\d+\s/.test(line)).map((line) => line.split(/\s+/).slice(0, 4));
    expect(rows).toEqual([
      ['1', 'PriceCart', 'Task', 'SUCCEEDED'],
      ['2', 'ReserveInventory', 'Task', 'SUCCEEDED'],
      ['3', 'ProcessPayment', 'Task', 'CAUGHT'],
      ['4', 'ReleaseInventory', 'Task', 'SUCCEEDED'],
      ['5', 'FailCheckout', 'Task', 'SUCCEEDED'],
      ['6', 'PublishCheckoutFailed', 'Task', 'SUCCEEDED'],
      ['7', 'Failed', 'Fail', 'FAILED'],
    ]);
    expect(rowOf(lines, 'PriceCart')).toMatch(/SUCCEEDED\s+\+5 ms\s+40 ms/);
    expect(rowOf(lines, 'ProcessPayment')).toMatch(/CAUGHT\s+\+100 ms\s+1\.26 s/);
    expect(lines[0]).toBe('Execution  chk_01TEST');
    expect(lines[1]).toBe(`ARN        ${EXECUTION_ARN}`);
    expect(lines[2]).toBe('Started    2026-01-02T03:04:05.000Z');
  });

  it('shows each attempt of a retried task with its error, the cause message and the wait before the retry', () => {
    // Act
    const lines = sagaReport(FAILED_EXECUTION, FAILED_HISTORY);

    // Assess
    const details = detailsOf(lines, 'ProcessPayment');
    expect(details[0]).toMatch(/^\s+attempt 1\s+RETRIED\s+\+101 ms\s+29 ms\s+→ retried after 1\.20 s$/);
    expect(details[1]).toMatch(
      /^\s+error\s+PaymentGatewayUnavailableError: The payment gateway is temporarily unavailable$/,
    );
    expect(details[2]).toMatch(/^\s+attempt 2\s+FAILED\s+\+1\.33 s\s+30 ms$/);
    expect(details[3]).toMatch(/^\s+error\s+PaymentDeclinedError: The payment was declined: card declined$/);
    // A task that succeeded at once has no attempt lines.
    expect(detailsOf(lines, 'PriceCart').some((line) => line.includes('attempt'))).toBe(false);
  });

  it('marks compensations, and only them', () => {
    // Act
    const lines = sagaReport(FAILED_EXECUTION, FAILED_HISTORY, {
      isCompensation: (stateName) => ['ReleaseInventory', 'RefundPayment'].includes(stateName),
    });

    // Assess: RefundPayment never ran, so only ReleaseInventory is marked.
    const marked = lines.filter((line) => line.endsWith('↩ compensation')).map((line) => line.split(/\s+/)[1]);
    expect(marked).toEqual(['ReleaseInventory']);
    expect(lines).toContain('Compensations: ReleaseInventory');
  });

  it('ends with the final status, its duration, error and cause', () => {
    // Act
    const lines = sagaReport(FAILED_EXECUTION, FAILED_HISTORY);

    // Assess
    expect(lines.slice(-2)).toEqual([
      'Execution FAILED after 2.60 s',
      'Error  SagaFailed: A step failed and the saga compensated; the FailCheckout output has the failure code',
    ]);
  });

  it('shows what each state added to the saga state, cut to one line, and everything with full', () => {
    // Act
    const short = sagaReport(FAILED_EXECUTION, FAILED_HISTORY, { maxValueLength: 40 });
    const full = sagaReport(FAILED_EXECUTION, FAILED_HISTORY, { full: true });

    // Assess
    const trimmed = (lines: string[]) => lines.map((line) => line.trim());
    expect(trimmed(detailsOf(short, 'PriceCart'))).toEqual(['output  + pricing: {"totals":{"totalCents":4200}}']);
    expect(trimmed(detailsOf(short, 'ReleaseInventory'))).toEqual(['output  unchanged']);
    expect(trimmed(detailsOf(short, 'ProcessPayment')).at(-1)).toBe(
      'output  + failure: {"Error":"PaymentDeclinedError"}',
    );
    const input = short.find((line) => line.startsWith('Input'));
    const compactInput = JSON.stringify(JSON.parse(SAGA_INPUT));
    expect(input).toBe(`Input      ${compactInput.slice(0, 40)}… (${compactInput.length} chars, --full shows all)`);

    const fullDetails = detailsOf(full, 'PriceCart').join('\n');
    expect(fullDetails).toContain(`"note": "${'x'.repeat(300)}"`);
    expect(fullDetails).toContain('"totalCents": 4200');
    // With full, a Lambda error's stack trace follows its message.
    expect(trimmed(detailsOf(full, 'ProcessPayment'))).toContain('at charge (gateway.ts:42:11)');
  });

  it('reports an execution that succeeded with what it added to its input', () => {
    // Prepare
    const output = JSON.stringify({ ...JSON.parse(RESERVED), paymentToken: 'redacted', order: { orderId: 'ord_1' } });
    const succeeded: ExecutionDescription = {
      ...FAILED_EXECUTION,
      status: 'SUCCEEDED',
      stopDate: new Date(START + 90),
      error: undefined,
      cause: undefined,
      output,
    };
    const events = history([
      [0, 'ExecutionStarted', { input: SAGA_INPUT }],
      ...lambdaTask('PriceCart', 5, 45, SAGA_INPUT, PRICED),
      ...lambdaTask('ReserveInventory', 50, 80, PRICED, RESERVED),
      [85, 'SucceedStateEntered', { name: 'Succeeded', input: RESERVED }],
      [86, 'SucceedStateExited', { name: 'Succeeded', output: RESERVED }],
      [90, 'ExecutionSucceeded', { output }],
    ]);

    // Act
    const lines = sagaReport(succeeded, events, { maxValueLength: 60 });

    // Assess
    expect(rowOf(lines, 'Succeeded')).toMatch(/Succeed\s+SUCCEEDED\s+\+85 ms\s+1 ms$/);
    expect(lines.filter((line) => line.includes('compensation'))).toEqual([]);
    expect(lines.slice(-5)).toEqual([
      'Execution SUCCEEDED after 90 ms',
      'Output ~ paymentToken: "redacted"',
      '       + pricing: {"totals":{"totalCents":4200}}',
      '       + reservation: {"reservedSkus":["SKU-1"]}',
      '       + order: {"orderId":"ord_1"}',
    ]);
  });

  it('reports a running execution and the state it is in', () => {
    // Prepare
    const running: ExecutionDescription = {
      ...FAILED_EXECUTION,
      status: 'RUNNING',
      stopDate: undefined,
      error: undefined,
      cause: undefined,
    };
    const events = FAILED_HISTORY.slice(0, 17); // up to the second attempt's LambdaFunctionStarted

    // Act
    const lines = sagaReport(running, events, { now: new Date(START + 1500) });

    // Assess
    expect(rowOf(lines, 'ProcessPayment')).toMatch(/RUNNING\s+\+100 ms\s+1\.40 s/);
    expect(detailsOf(lines, 'ProcessPayment')[2]).toMatch(/^\s+attempt 2\s+RUNNING\s+\+1\.33 s$/);
    expect(lines.at(-1)).toBe('Execution RUNNING for 1.50 s so far');
  });
});

describe('duration', () => {
  it.each([
    [0, '0 ms'],
    [999.4, '999 ms'],
    [1000, '1.00 s'],
    [59_994, '59.99 s'],
    [185_000, '3 min 05 s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});

describe('compensationStatesOf', () => {
  it('finds the states whose Comment marks them as compensations, in nested branches too', () => {
    // Prepare
    const definition = {
      StartAt: 'Reserve',
      States: {
        Reserve: { Type: 'Task', Next: 'Branches' },
        Release: { Type: 'Task', Comment: 'Compensation: undoes what the saga did before', End: true },
        Branches: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Inner',
              States: {
                Inner: { Type: 'Pass', Next: 'Park' },
                Park: { Type: 'Task', Comment: 'Compensation: parks the saga state', End: true },
              },
            },
          ],
          Next: 'Done',
        },
        Done: { Type: 'Succeed', Comment: 'Every step done' },
      },
    };

    // Act
    const compensations = compensationStatesOf(definition);

    // Assess
    expect([...compensations].sort()).toEqual(['Park', 'Release']);
  });

  it('finds none in a definition without comments, or without states', () => {
    expect(compensationStatesOf({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }).size).toBe(0);
    expect(compensationStatesOf(undefined).size).toBe(0);
  });
});
