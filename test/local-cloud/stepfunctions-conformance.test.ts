/**
 * Conformance of the Step Functions interpreter with AWS, for the differences fixed in `aws-local-stepfunctions` by
 * patches/aws-local-stepfunctions+3.0.0.patch (upstream form: docs/dev/upstream/aws-local-stepfunctions.md). Each case
 * names the AWS documentation page that states the behaviour.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeIntegrations, type Harness, startHarness, stateMachine } from './stepfunctions-harness.js';

const CHOICE_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html';
const PATHS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html';
const INTRINSICS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html';

describe('Step Functions conformance with AWS', () => {
  let harness: Harness | undefined;
  let machines = 0;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function run(definition: Record<string, unknown>, input: unknown) {
    harness ??= await startHarness(new FakeIntegrations(), { waitOverrideMs: 0 });
    machines += 1;
    const config = stateMachine(`Conformance${machines}`, definition);
    harness.service.addStateMachine(config);
    const { executionArn } = await harness.client.send(
      new StartExecutionCommand({ stateMachineArn: config.arn, input: JSON.stringify(input) }),
    );
    await harness.service.whenIdle();
    const described = await harness.client.send(new DescribeExecutionCommand({ executionArn }));
    return {
      status: described.status,
      error: described.error,
      output: described.output === undefined ? undefined : (JSON.parse(described.output) as unknown),
    };
  }

  /** A single Pass state whose Parameters are the template under test: the output is the template's result. */
  function runParameters(parameters: Record<string, unknown>, input: unknown) {
    return run({ StartAt: 'Shape', States: { Shape: { Type: 'Pass', Parameters: parameters, End: true } } }, input);
  }

  describe(`Choice type tests with false (${CHOICE_DOC})`, () => {
    function choiceOn(rule: Record<string, unknown>) {
      return {
        StartAt: 'Decide',
        States: {
          Decide: { Type: 'Choice', Choices: [{ Variable: '$.value', ...rule, Next: 'Matched' }], Default: 'Other' },
          Matched: { Type: 'Pass', Result: 'matched', End: true },
          Other: { Type: 'Pass', Result: 'other', End: true },
        },
      };
    }

    // Each operator with `false` matches exactly the values its `true` form does not.
    const CASES = [
      { operator: 'IsNull', matchingType: null, otherType: 'text' },
      { operator: 'IsNumeric', matchingType: 42, otherType: 'text' },
      { operator: 'IsString', matchingType: 'text', otherType: 42 },
      { operator: 'IsBoolean', matchingType: false, otherType: 'false' },
      { operator: 'IsTimestamp', matchingType: '2026-12-02T18:00:00Z', otherType: 'yesterday' },
    ];

    it.each(CASES)('$operator: false matches a value of another type', async ({ operator, otherType }) => {
      // Act
      const result = await run(choiceOn({ [operator]: false }), { value: otherType });

      // Assess
      expect(result).toEqual({ status: 'SUCCEEDED', error: undefined, output: 'matched' });
    });

    it.each(CASES)('$operator: false does not match a value of its type', async ({ operator, matchingType }) => {
      // Act
      const result = await run(choiceOn({ [operator]: false }), { value: matchingType });

      // Assess
      expect(result).toEqual({ status: 'SUCCEEDED', error: undefined, output: 'other' });
    });

    it('IsPresent: false matches a missing field and not a present one', async () => {
      // Act
      const missing = await run(choiceOn({ IsPresent: false }), {});
      const present = await run(choiceOn({ IsPresent: false }), { value: null });

      // Assess
      expect(missing.output).toBe('matched');
      expect(present.output).toBe('other');
    });
  });

  describe(`JSONPath results (${PATHS_DOC})`, () => {
    const input = { items: [{ id: 1, tags: [] }], empty: [] };

    it('a wildcard, slice or filter that matches nothing gives [], not a failure', async () => {
      // Act
      const result = await runParameters(
        {
          'wildcard.$': '$.empty[*]',
          'nestedWildcard.$': '$.items[*].tags[*]',
          'slice.$': '$.items[5:]',
          'filter.$': '$.items[?(@.id > 5)]',
        },
        input,
      );

      // Assess
      expect(result).toEqual({
        status: 'SUCCEEDED',
        error: undefined,
        output: { wildcard: [], nestedWildcard: [], slice: [], filter: [] },
      });
    });

    it('a wildcard that matches one value still gives a list', async () => {
      // Act
      const result = await runParameters({ 'ids.$': '$.items[*].id', 'first.$': '$.items[0].id' }, input);

      // Assess
      expect(result.output).toEqual({ ids: [1], first: 1 });
    });

    it('a definite path to a field that does not exist still fails with States.Runtime', async () => {
      // Act
      const result = await runParameters({ 'missing.$': '$.items[0].name' }, input);

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.Runtime');
    });
  });

  describe(`Intrinsic functions (${INTRINSICS_DOC})`, () => {
    it('States.StringToJson of an empty string is null; of text that is not JSON, States.Runtime', async () => {
      // Act
      const empty = await runParameters({ 'parsed.$': 'States.StringToJson($.text)' }, { text: '' });
      const invalid = await runParameters({ 'parsed.$': 'States.StringToJson($.text)' }, { text: '{nope' });

      // Assess
      expect(empty).toEqual({ status: 'SUCCEEDED', error: undefined, output: { parsed: null } });
      expect(invalid.status).toBe('FAILED');
      expect(invalid.error).toBe('States.Runtime');
    });

    it('States.MathAdd rounds its arguments to the closest integer', async () => {
      // Act: the documented example (111 + -1) and two fractions
      const result = await runParameters(
        { 'documented.$': 'States.MathAdd($.value1, $.step)', 'rounded.$': 'States.MathAdd($.a, $.b)' },
        { value1: 111, step: -1, a: 1.2, b: 2.7 },
      );

      // Assess
      expect(result.output).toEqual({ documented: 110, rounded: 4 });
    });

    it('States.StringSplit splits on each character of the delimiter and drops empty strings', async () => {
      // Act: the documented example, and adjacent delimiters
      const result = await runParameters(
        {
          'documented.$': 'States.StringSplit($.inputString, $.splitter)',
          'adjacent.$': "States.StringSplit($.csv, ',')",
        },
        { inputString: 'This.is+a,test=string', splitter: '.+,=', csv: ',1,,2,' },
      );

      // Assess
      expect(result.output).toEqual({ documented: ['This', 'is', 'a', 'test', 'string'], adjacent: ['1', '2'] });
    });

    it('States.MathRandom rounds non-integer bounds instead of refusing them', async () => {
      // Act: both bounds round to 1, so the only possible result is 1
      const result = await runParameters({ 'random.$': 'States.MathRandom($.start, $.end)' }, { start: 0.6, end: 1.4 });

      // Assess
      expect(result).toEqual({ status: 'SUCCEEDED', error: undefined, output: { random: 1 } });
    });
  });
});
