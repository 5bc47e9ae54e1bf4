/**
 * `retryIntervalScale`: the local Step Functions' test-time knob that shortens the wait before each Retry as if the
 * retrier's `IntervalSeconds` and `MaxDelaySeconds` were multiplied by it, keeping the backoff, the cap and the jitter.
 * AWS computes the wait as IntervalSeconds × BackoffRate^(retries so far), capped by MaxDelaySeconds, and with
 * `JitterStrategy: FULL` a random duration between 0 and that
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 *
 * The clock is vitest's fake one (timers and `Date`), so the history's timestamps show the waits exactly, without
 * measuring wall-clock time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidTimeScaleError } from '../../local-cloud/stepfunctions/errors.js';
import {
  type HistoryEvent,
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
} from '../../local-cloud/stepfunctions/index.js';
import { FakeIntegrations, invokeTask, stateMachine, thrown } from './stepfunctions-harness.js';

/** Fails twice with `Flaky`, then answers. */
const flakyTwice = () =>
  new FakeIntegrations({
    Flaky: (_payload, call) => (call <= 2 ? thrown('Flaky', `attempt ${call} failed`) : { payload: { call } }),
  });

/** One Task retried on `Flaky`: 2 s, then 2 × 10 = 20 s capped at 3 s. */
const retriedTask = (retrier: Record<string, unknown> = {}) =>
  stateMachine('RetryScale', {
    StartAt: 'CallFlaky',
    States: {
      CallFlaky: invokeTask('Flaky', {
        Retry: [
          {
            ErrorEquals: ['Flaky'],
            IntervalSeconds: 2,
            BackoffRate: 10,
            MaxDelaySeconds: 3,
            MaxAttempts: 3,
            ...retrier,
          },
        ],
        End: true,
      }),
    },
  });

/** Runs one execution to its end on the fake clock, a few milliseconds at a time; returns its history. */
async function runToEnd(options: Omit<LocalStepFunctionsOptions, 'integrations'>, retrier?: Record<string, unknown>) {
  const integrations = flakyTwice();
  const service = new LocalStepFunctions({ integrations, ...options });
  service.addStateMachine(retriedTask(retrier));
  const { executionArn } = service.startExecution({ stateMachineArn: retriedTask().arn, input: '{}' });
  // One fake millisecond at a time, so each event is stamped when its timer fired; 20 fake seconds at most, far
  // beyond the unscaled waits (5 s).
  for (let step = 0; step < 20_000 && service.describeExecution(executionArn).status === 'RUNNING'; step++) {
    await vi.advanceTimersByTimeAsync(1);
  }
  const record = service.describeExecution(executionArn);
  const events = service.getExecutionHistory(executionArn, { maxResults: 1000 }).events;
  await service.stop();
  return { record, events, calls: integrations.calledFunctions() };
}

/** The milliseconds between each failed attempt and the next attempt's scheduling, in history order. */
function waitsBeforeRetries(events: readonly HistoryEvent[]): number[] {
  const waits: number[] = [];
  events.forEach((event, index) => {
    if (event.type !== 'TaskFailed') return;
    const next = events.slice(index + 1).find((later) => later.type === 'TaskScheduled');
    if (next !== undefined) waits.push(Math.round((next.timestamp - event.timestamp) * 1000));
  });
  return waits;
}

describe('Step Functions retryIntervalScale', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('waits IntervalSeconds and the capped backoff at full length without a scale', async () => {
    // Act
    const { record, events, calls } = await runToEnd({});

    // Assess
    expect(record.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['Flaky', 'Flaky', 'Flaky']);
    expect(waitsBeforeRetries(events)).toEqual([2000, 3000]);
  });

  it('scales IntervalSeconds and MaxDelaySeconds: 2 s and the 3 s cap become 100 and 150 ms at 0.05', async () => {
    // Act
    const fullLength = await runToEnd({});
    const { record, events, calls } = await runToEnd({ retryIntervalScale: 0.05 });

    // Assess
    expect(record.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['Flaky', 'Flaky', 'Flaky']);
    // The same history as at full length: each attempt fails, then the next one is scheduled, then it succeeds.
    const types = events.map((event) => event.type);
    expect(types).toEqual(fullLength.events.map((event) => event.type));
    expect(types.filter((type) => type.startsWith('Task'))).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
    ]);
    expect(waitsBeforeRetries(events)).toEqual([100, 150]);
  });

  it('keeps full jitter: the scaled wait is the same random share of the scaled interval', async () => {
    // Prepare: the jitter draws the middle of its range each time.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);

    // Act
    const full = await runToEnd({}, { JitterStrategy: 'FULL' });
    const scaled = await runToEnd({ retryIntervalScale: 0.05 }, { JitterStrategy: 'FULL' });

    // Assess: half of 2 s and of 3 s (the library draws whole milliseconds), then a twentieth of each.
    expect(waitsBeforeRetries(full.events)).toEqual([1000, 1500]);
    expect(waitsBeforeRetries(scaled.events)).toEqual([50, 75]);
  });

  it('leaves retryIntervalOverrideMs in charge where both are set', async () => {
    // Act
    const { events } = await runToEnd({ retryIntervalScale: 0.05, retryIntervalOverrideMs: 40 });

    // Assess
    expect(waitsBeforeRetries(events)).toEqual([40, 40]);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a scale of %s', (retryIntervalScale) => {
    // Act
    const create = () => new LocalStepFunctions({ integrations: new FakeIntegrations(), retryIntervalScale });

    // Assess
    expect(create).toThrow(InvalidTimeScaleError);
  });
});
