import { describe, expect, it } from 'vitest';
import { graphOf } from '../../../local-cloud/console/static/graph-model.js';
import {
  historyRows,
  settledResultOf,
  stateRunsOf,
  stateSummaries,
  takenEdgeIds,
} from '../../../local-cloud/console/static/history-model.js';
import { compensatedHistory, sagaDefinition } from './fixtures.js';

describe('console history model: what a history says of each state', () => {
  it('colours a compensated saga: steps succeeded, the declined step caught after a retry, the Fail state failed', () => {
    // Act
    const summaries = stateSummaries(stateRunsOf(compensatedHistory, 'FAILED'));

    // Assess
    const looks = [...summaries.values()].map(({ name, result, attempts, retried }) => ({
      name,
      result,
      attempts: attempts.length,
      retried,
    }));
    expect(looks).toEqual([
      { name: 'ReserveInventory', result: 'succeeded', attempts: 1, retried: false },
      { name: 'ProcessPayment', result: 'caught', attempts: 2, retried: true },
      { name: 'RefundPayment', result: 'succeeded', attempts: 1, retried: false },
      { name: 'ReleaseInventory', result: 'succeeded', attempts: 1, retried: false },
      { name: 'Failed', result: 'failed', attempts: 0, retried: false },
    ]);
  });

  it('keeps the error, cause, input, output and times of a state for its panel', () => {
    // Act
    const payment = stateSummaries(stateRunsOf(compensatedHistory, 'FAILED')).get('ProcessPayment');

    // Assess
    expect(payment?.error).toBe('PaymentDeclinedError');
    expect(JSON.parse(payment?.cause ?? '{}').errorMessage).toBe('The payment was declined');
    expect(payment?.attempts.map((attempt) => [attempt.outcome, attempt.error])).toEqual([
      ['FAILED', 'TransientError'],
      ['FAILED', 'PaymentDeclinedError'],
    ]);
    expect(payment?.input).toBe('{}');
    expect(payment?.output).toBe('{"after":"ProcessPayment"}');
    expect(payment?.enteredAt).toBe(1_800_000_002_000);
    expect(payment?.exitedAt).toBe(1_800_000_002_500);
  });

  it('takes the path through the Catch into the compensations and on to the end, not the success branch', () => {
    // Prepare
    const graph = graphOf(sagaDefinition);
    const runs = stateRunsOf(compensatedHistory, 'FAILED');

    // Act
    const taken = takenEdgeIds(graph, runs);

    // Assess
    const path = graph.edges
      .filter((edge) => taken.has(edge.id))
      .map(({ source, target, kind }) => `${source} -${kind}-> ${target}`);
    expect(path).toEqual([
      'root:start -next-> ReserveInventory',
      'ReserveInventory -next-> ProcessPayment',
      'ProcessPayment -catch-> RefundPayment',
      'RefundPayment -next-> ReleaseInventory',
      'ReleaseInventory -next-> Failed',
      'Failed -next-> root:end',
    ]);
  });

  it('calls a state still open in a running execution running, and in a stopped one aborted', () => {
    // Prepare
    const open = compensatedHistory.slice(0, 3);

    // Act
    const running = stateRunsOf(open, 'RUNNING')[0]?.result;
    const aborted = stateRunsOf(open, 'ABORTED')[0]?.result;

    // Assess
    expect([running, aborted]).toEqual(['running', 'aborted']);
  });

  it('tells how long Retry waited before each attempt after the first, as `npm run saga` prints it', () => {
    // Prepare: ProcessPayment's first attempt fails at +2.15 s and Retry schedules the second at +2.2 s. Retry waits
    // before each new attempt (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), but
    // no history event type records a retry
    // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html): the wait is the gap.
    const runs = stateRunsOf(compensatedHistory, 'FAILED');

    // Act
    const payment = runs.find((run) => run.name === 'ProcessPayment');

    // Assess
    const [first, second] = payment?.attempts ?? [];
    expect(first?.retryWaitMs).toBeUndefined();
    expect(second?.retryWaitMs).toBeCloseTo(50, 3);
  });

  it('keeps where a state that never exited stopped, and leaves its result to the execution status', () => {
    // Prepare: the Fail state has no exit event; the history ends with ExecutionFailed at +5.1 s. An execution cut
    // after its first task was scheduled has a state open with no outcome of its own yet.
    const runs = stateRunsOf(compensatedHistory, 'FAILED');
    const [open] = stateRunsOf(compensatedHistory.slice(0, 3), 'RUNNING');

    // Act
    const failState = runs.at(-1);
    const settled = runs.map((run, index) => settledResultOf(run, runs[index + 1]));

    // Assess
    expect(failState).toMatchObject({ name: 'Failed', exitedAt: undefined, lastEventAt: 1_800_000_005_100 });
    expect(settled).toEqual(['succeeded', 'caught', 'succeeded', 'succeeded', 'failed']);
    expect(open?.name).toBe('ReserveInventory');
    expect(open && settledResultOf(open, undefined)).toBeUndefined();
    expect(open?.result).toBe('running');
  });

  it('lists the history table: every event with the state it concerns and its time from the start', () => {
    // Act
    const rows = historyRows(compensatedHistory);

    // Assess
    expect(rows).toHaveLength(compensatedHistory.length);
    expect(rows[0]).toMatchObject({ id: 1, type: 'ExecutionStarted', state: '', offsetMs: 0 });
    const failure = rows.find((row) => row.type === 'TaskFailed' && row.state === 'ProcessPayment');
    expect(failure?.details).toEqual({ error: 'TransientError', cause: 'try again' });
    expect(rows.at(-1)).toMatchObject({ type: 'ExecutionFailed', offsetMs: 5100 });
  });
});
