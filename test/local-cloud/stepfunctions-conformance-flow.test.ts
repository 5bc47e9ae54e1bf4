/**
 * Conformance of the local Step Functions with AWS for control flow: Retry, Catch, Map and Parallel. Each case names
 * the AWS documentation page that states the behaviour. Task tokens and heartbeats: stepfunctions-conformance-callbacks.test.ts.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FakeIntegrations,
  type FunctionBehaviour,
  fullHistory,
  type Harness,
  invokeTask,
  startHarness,
  stateMachine,
  thrown,
} from './stepfunctions-harness.js';

const ERRORS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html';
const MAP_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html';
const ITEMS_PATH_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html';
const ITEM_SELECTOR_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemselector.html';
const PARALLEL_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html';
const RESULT_SELECTOR_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html';

describe('Step Functions flow conformance with AWS', () => {
  let harness: Harness | undefined;
  let machines = 0;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function run(
    definition: Record<string, unknown>,
    input: unknown,
    functions: Record<string, FunctionBehaviour> = {},
    /** AWS timing for Retry pauses; none by default, to keep the cases fast. */
    awsRetryTiming = false,
  ) {
    const integrations = new FakeIntegrations(functions);
    harness = await startHarness(integrations, awsRetryTiming ? {} : { retryIntervalOverrideMs: 0 });
    machines += 1;
    const config = stateMachine(`Flow${machines}`, definition);
    harness.service.addStateMachine(config);
    const { executionArn = '' } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: config.arn, input: JSON.stringify(input) }),
    );
    await harness.service.whenIdle();
    const described = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      integrations,
      history: await fullHistory(harness.client, executionArn),
      status: described.status,
      error: described.error,
      cause: described.cause,
      output: described.output === undefined ? undefined : (JSON.parse(described.output) as unknown),
    };
  }

  /** A machine of one Lambda Task `Work` (function `work`) with the given fields, then `Done`. */
  function workMachine(fields: Record<string, unknown>, states: Record<string, unknown> = {}) {
    return {
      StartAt: 'Work',
      States: { Work: invokeTask('work', { End: true, ...fields }), ...states },
    };
  }

  /** Fails with `errorType` on the first `failures` calls, then answers `{ ok: call }`. */
  function failing(failures: number, errorType = 'Flaky'): FunctionBehaviour {
    return (_payload, call) => (call <= failures ? thrown(errorType, `attempt ${call}`) : { payload: { ok: call } });
  }

  /** Seconds between the successive LambdaFunctionScheduled events of a history. */
  function gapsBetweenAttempts(history: Awaited<ReturnType<typeof run>>['history']): number[] {
    const times = history
      .filter((event) => event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled')
      .map((event) => (event.timestamp as Date).getTime());
    return times.slice(1).map((time, index) => (time - (times[index] as number)) / 1000);
  }

  describe(`Retry (${ERRORS_DOC})`, () => {
    it('MaxAttempts counts retries after the first attempt; the error then fails the execution', async () => {
      // Act
      const result = await run(
        workMachine({ Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2 }] }),
        {},
        { work: failing(10) },
      );

      // Assess
      expect(result.integrations.calledFunctions()).toEqual(['work', 'work', 'work']);
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('Flaky');
    });

    it('succeeds with the output of the attempt that succeeded', async () => {
      // Act
      const result = await run(
        workMachine({ Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 3 }] }),
        {},
        { work: failing(2) },
      );

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({ Payload: { ok: 3 } });
    });

    it('MaxAttempts 0 never retries the error it names', async () => {
      // Act
      const result = await run(
        workMachine({ Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 0 }] }),
        {},
        { work: failing(1) },
      );

      // Assess
      expect(result.integrations.calledFunctions()).toEqual(['work']);
      expect(result.error).toBe('Flaky');
    });

    it('the first retrier whose ErrorEquals matches applies, and each retrier counts its own attempts', async () => {
      // Act: Flaky matches the first retrier (1 retry), not the States.ALL one after it (5 retries).
      const result = await run(
        workMachine({
          Retry: [
            { ErrorEquals: ['Flaky'], MaxAttempts: 1 },
            { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
          ],
        }),
        {},
        { work: failing(10) },
      );

      // Assess
      expect(result.integrations.calledFunctions()).toHaveLength(2);
      expect(result.error).toBe('Flaky');
    });

    it('an error that no retrier names is not retried', async () => {
      // Act
      const result = await run(
        workMachine({ Retry: [{ ErrorEquals: ['Other'], MaxAttempts: 3 }] }),
        {},
        { work: failing(10) },
      );

      // Assess
      expect(result.integrations.calledFunctions()).toHaveLength(1);
      expect(result.error).toBe('Flaky');
    });

    it('waits IntervalSeconds, then multiplies the wait by BackoffRate at each retry', async () => {
      // Act: with AWS timing, 1 s then 2 s.
      const result = await run(
        workMachine({ Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 }] }),
        {},
        { work: failing(2) },
        true,
      );

      // Assess
      const gaps = gapsBetweenAttempts(result.history);
      expect(result.status).toBe('SUCCEEDED');
      expect(gaps).toHaveLength(2);
      expect(gaps[0]).toBeGreaterThanOrEqual(0.95);
      expect(gaps[0]).toBeLessThan(1.9);
      expect(gaps[1]).toBeGreaterThanOrEqual(1.95);
      expect(gaps[1]).toBeLessThan(2.9);
    });

    it('caps the wait at MaxDelaySeconds, and JitterStrategy FULL waits no longer than the computed delay', async () => {
      // Act: without the cap, the second wait would be 1 × 3 = 3 s.
      const result = await run(
        workMachine({
          Retry: [
            {
              ErrorEquals: ['Flaky'],
              IntervalSeconds: 1,
              BackoffRate: 3,
              MaxDelaySeconds: 1,
              MaxAttempts: 2,
              JitterStrategy: 'FULL',
            },
          ],
        }),
        {},
        { work: failing(2) },
        true,
      );

      // Assess
      const gaps = gapsBetweenAttempts(result.history);
      expect(result.status).toBe('SUCCEEDED');
      expect(gaps).toHaveLength(2);
      for (const gap of gaps) expect(gap).toBeLessThan(1.9);
    });
  });

  describe(`Catch (${ERRORS_DOC})`, () => {
    const handlers = {
      Specific: { Type: 'Pass', Parameters: { handled: 'specific', 'caught.$': '$.failure' }, End: true },
      Any: { Type: 'Pass', Parameters: { handled: 'any', 'caught.$': '$.failure' }, End: true },
    };

    it('the first catcher that matches wins, and ResultPath puts the error output into the state input', async () => {
      // Act
      const result = await run(
        workMachine(
          {
            Catch: [
              { ErrorEquals: ['Flaky'], ResultPath: '$.failure', Next: 'Specific' },
              { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Any' },
            ],
          },
          handlers,
        ),
        { order: 'o-1' },
        { work: failing(1) },
      );

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({
        handled: 'specific',
        caught: { Error: 'Flaky', Cause: expect.stringContaining('attempt 1') },
      });
    });

    it('States.ALL catches an error no other catcher names', async () => {
      // Act
      const result = await run(
        workMachine(
          {
            Catch: [
              { ErrorEquals: ['Other'], ResultPath: '$.failure', Next: 'Specific' },
              { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Any' },
            ],
          },
          handlers,
        ),
        {},
        { work: failing(1) },
      );

      // Assess
      expect(result.output).toEqual({ handled: 'any', caught: { Error: 'Flaky', Cause: expect.any(String) } });
    });

    it('without ResultPath, the error output replaces the state input', async () => {
      // Act
      const result = await run(
        workMachine({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Echo' }] }, { Echo: { Type: 'Pass', End: true } }),
        { order: 'o-1' },
        { work: failing(1) },
      );

      // Assess
      expect(result.output).toEqual({ Error: 'Flaky', Cause: expect.any(String) });
    });

    it('retries first, and catches only once the retries are spent', async () => {
      // Act
      const result = await run(
        workMachine(
          {
            Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 2 }],
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Any' }],
          },
          { Any: handlers.Any },
        ),
        {},
        { work: failing(10) },
      );

      // Assess
      expect(result.integrations.calledFunctions()).toHaveLength(3);
      expect(result.output).toMatchObject({ handled: 'any' });
    });

    it('States.TaskFailed matches a Lambda error, States.ALL matches States.Timeout too', async () => {
      // Act
      const taskFailed = await run(
        workMachine(
          { Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Specific' }] },
          { Specific: handlers.Specific },
        ),
        {},
        { work: failing(1) },
      );
      const timedOut = await run(
        workMachine(
          {
            TimeoutSeconds: 1,
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Any' }],
          },
          { Any: handlers.Any },
        ),
        {},
        { work: () => new Promise((resolve) => setTimeout(() => resolve({ payload: {} }), 3_000)) },
      );

      // Assess
      expect(taskFailed.output).toMatchObject({ handled: 'specific', caught: { Error: 'Flaky' } });
      expect(timedOut.output).toMatchObject({ handled: 'any', caught: { Error: 'States.Timeout' } });
    });
  });

  describe(`Map (${MAP_DOC})`, () => {
    it(`iterates ItemsPath with ItemSelector (${ITEM_SELECTOR_DOC}); ResultSelector (${RESULT_SELECTOR_DOC}) and ResultPath shape the result`, async () => {
      // Act
      const result = await run(
        {
          StartAt: 'EachLine',
          States: {
            EachLine: {
              Type: 'Map',
              ItemsPath: '$.order.lines',
              ItemSelector: {
                'sku.$': '$$.Map.Item.Value.sku',
                'index.$': '$$.Map.Item.Index',
                'orderId.$': '$.order.id',
              },
              MaxConcurrency: 1,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Line',
                States: { Line: { Type: 'Pass', End: true } },
              },
              ResultSelector: { 'lines.$': '$' },
              ResultPath: '$.processed',
              End: true,
            },
          },
        },
        { order: { id: 'o-1', lines: [{ sku: 'A' }, { sku: 'B' }] } },
      );

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({
        order: { id: 'o-1', lines: [{ sku: 'A' }, { sku: 'B' }] },
        processed: {
          lines: [
            { sku: 'A', index: 0, orderId: 'o-1' },
            { sku: 'B', index: 1, orderId: 'o-1' },
          ],
        },
      });
    });

    it('keeps the results in item order whatever order the iterations finish in', async () => {
      // Act: the first items take longest.
      const result = await run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              MaxConcurrency: 0,
              ItemProcessor: { StartAt: 'Work', States: { Work: invokeTask('work', { End: true }) } },
              End: true,
            },
          },
        },
        [40, 30, 20, 10],
        {
          work: (payload) =>
            new Promise((resolve) => setTimeout(() => resolve({ payload: { slept: payload } }), payload as number)),
        },
      );

      // Assess
      expect(result.cause).toBeUndefined();
      expect(result.output).toEqual([40, 30, 20, 10].map((slept) => ({ Payload: { slept } })));
    });

    it('MaxConcurrency 1 runs one iteration at a time', async () => {
      // Prepare
      let running = 0;
      let mostAtOnce = 0;
      const work: FunctionBehaviour = async () => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        return { payload: {} };
      };

      // Act
      const result = await run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              MaxConcurrency: 1,
              ItemProcessor: { StartAt: 'Work', States: { Work: invokeTask('work', { End: true }) } },
              End: true,
            },
          },
        },
        [1, 2, 3, 4],
        { work },
      );

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(mostAtOnce).toBe(1);
    });

    it('an empty array gives an empty result; an iteration that fails fails the Map with its error', async () => {
      // Prepare
      const definition = {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemProcessor: { StartAt: 'Work', States: { Work: invokeTask('work', { End: true }) } },
            End: true,
          },
        },
      };

      // Act
      const empty = await run(definition, []);
      const failed = await run(definition, [1, 2], {
        work: (payload) => (payload === 2 ? thrown('BadItem', 'two') : { payload }),
      });

      // Assess
      expect(empty).toMatchObject({ status: 'SUCCEEDED', output: [] });
      expect(failed).toMatchObject({ status: 'FAILED', error: 'BadItem' });
    });

    it(`fails with States.Runtime when ItemsPath is neither an array nor an object (${ITEMS_PATH_DOC})`, async () => {
      // Act
      const result = await run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.lines',
              ItemProcessor: { StartAt: 'Line', States: { Line: { Type: 'Pass', End: true } } },
              End: true,
            },
          },
        },
        { lines: 'not a list' },
      );

      // Assess
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    });
  });

  describe(`Parallel (${PARALLEL_DOC})`, () => {
    function parallel(branches: Record<string, unknown>[], fields: Record<string, unknown> = {}) {
      return {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: branches.map((state, index) => ({
              StartAt: `B${index}`,
              States: { [`B${index}`]: state.Type === 'Fail' ? state : { ...state, End: true } },
            })),
            End: true,
            ...fields,
          },
          ...('Catch' in fields ? { Recovered: { Type: 'Pass', End: true } } : {}),
        },
      };
    }

    it('gives each branch the state input and outputs the branch results in branch order', async () => {
      // Act
      const result = await run(
        parallel([
          { Type: 'Pass', Parameters: { 'first.$': '$.value' } },
          { Type: 'Pass', Parameters: { 'second.$': '$.value' } },
        ]),
        { value: 7 },
      );

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: [{ first: 7 }, { second: 7 }] });
    });

    it('fails with the error of a failing branch', async () => {
      // Act
      const result = await run(
        parallel([{ Type: 'Pass' }, { Type: 'Fail', Error: 'BranchFailed', Cause: 'second branch' }]),
        {},
      );

      // Assess
      expect(result).toMatchObject({ status: 'FAILED', error: 'BranchFailed', cause: 'second branch' });
    });

    it("a failing branch's error is caught by the Parallel state's Catch", async () => {
      // Act
      const result = await run(
        parallel([{ Type: 'Pass' }, { Type: 'Fail', Error: 'BranchFailed', Cause: 'second branch' }], {
          Catch: [{ ErrorEquals: ['BranchFailed'], ResultPath: '$.failure', Next: 'Recovered' }],
        }),
        { order: 'o-1' },
      );

      // Assess
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        output: { order: 'o-1', failure: { Error: 'BranchFailed', Cause: 'second branch' } },
      });
    });

    it('a Retry on the Parallel state runs every branch again', async () => {
      // Act
      const result = await run(
        parallel([invokeTask('work', {}), { Type: 'Pass', Result: 'fixed' }], {
          Retry: [{ ErrorEquals: ['Flaky'], MaxAttempts: 1 }],
        }),
        {},
        { work: failing(1) },
      );

      // Assess
      expect(result.integrations.calledFunctions()).toHaveLength(2);
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: [{ Payload: { ok: 2 } }, 'fixed'] });
    });
  });
});
