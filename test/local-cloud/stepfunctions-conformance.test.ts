/**
 * Conformance of the Step Functions interpreter with AWS, for the differences fixed in `aws-local-stepfunctions` by
 * patches/aws-local-stepfunctions+3.0.0.patch (upstream form: docs/dev/upstream/aws-local-stepfunctions.md) or in
 * local-cloud/stepfunctions. Each case names the AWS documentation page that states the behaviour.
 */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  InvalidDefinition,
  StartExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidAslDefinitionError } from '../../local-cloud/stepfunctions/index.js';
import {
  FakeIntegrations,
  fullHistory,
  functionArn,
  type Harness,
  startHarness,
  stateMachine,
} from './stepfunctions-harness.js';

const CHOICE_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html';
const PATHS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html';
const INTRINSICS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html';
const LAMBDA_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html';
const TASK_TIMED_OUT_DOC =
  'https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskTimedOutEventDetails.html';
const FAIL_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-fail.html';
const WAIT_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html';
const MAP_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html';
const ERRORS_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html';
const CONTEXT_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html';
const ITEMS_PATH_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemspath.html';
const ROLE = 'arn:aws:iam::000000000000:role/StatesRole';

describe('Step Functions conformance with AWS', () => {
  let harness: Harness | undefined;
  let machines = 0;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  async function run(definition: Record<string, unknown>, input: unknown, integrations = new FakeIntegrations()) {
    harness ??= await startHarness(integrations, { waitOverrideMs: 0 });
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
      cause: described.cause,
      output: described.output === undefined ? undefined : (JSON.parse(described.output) as unknown),
      history: await fullHistory(harness.client, executionArn ?? ''),
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
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: 'matched' });
    });

    it.each(CASES)('$operator: false does not match a value of its type', async ({ operator, matchingType }) => {
      // Act
      const result = await run(choiceOn({ [operator]: false }), { value: matchingType });

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: 'other' });
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
          'emptySlice.$': '$.items[0:0]',
          'filter.$': '$.items[?(@.id > 5)]',
        },
        input,
      );

      // Assess
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        error: undefined,
        output: { wildcard: [], nestedWildcard: [], slice: [], emptySlice: [], filter: [] },
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

  describe(`The path $ over a whole input that is 0, false, "" or null (${PATHS_DOC})`, () => {
    const FALSY = [{ value: 0 }, { value: false }, { value: '' }, { value: null }];

    it.each(FALSY)('Parameters "value.$": "$" gives the input $value', async ({ value }) => {
      // Act
      const result = await runParameters({ 'value.$': '$' }, value);

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: { value } });
    });

    it.each(FALSY)('InputPath and OutputPath "$" pass the input $value through', async ({ value }) => {
      // Act
      const result = await run(
        { StartAt: 'Same', States: { Same: { Type: 'Pass', InputPath: '$', OutputPath: '$', End: true } } },
        value,
      );

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: value });
    });

    it(`"Payload.$": "$" in a Map iteration over [0, 1] sends each item to the function (${LAMBDA_DOC})`, async () => {
      // Prepare
      const integrations = new FakeIntegrations({ echo: (payload) => ({ payload }) });
      const definition = {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'Invoke',
              States: {
                Invoke: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::lambda:invoke',
                  Parameters: { FunctionName: functionArn('echo'), 'Payload.$': '$' },
                  OutputPath: '$.Payload',
                  End: true,
                },
              },
            },
            End: true,
          },
        },
      };

      // Act
      const result = await run(definition, [0, 1], integrations);

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: [0, 1] });
      expect(integrations.functionCalls.map((call) => call.payload).sort()).toEqual([0, 1]);
    });

    it('another path over a falsy input still fails with States.Runtime', async () => {
      // Act
      const result = await runParameters({ 'value.$': '$.field' }, 0);

      // Assess
      expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    });
  });

  // The AWS documentation names States.Runtime but shows no cause; the wording is AWS's as quoted from a failed
  // execution in the AWS workshop "Service orchestration" (000047.awsstudygroup.com, 3.3.3 Check the workflow).
  describe(`States.Runtime cause for a path that selects nothing (${ERRORS_DOC})`, () => {
    it('names the state, its entered event, the field, the path and the input', async () => {
      // Act: the workshop's case, in the second state (entered at event #4)
      const result = await run(
        {
          StartAt: 'Flag',
          States: {
            Flag: { Type: 'Pass', Result: { flagged: false }, Next: 'Check Address' },
            'Check Address': { Type: 'Pass', Parameters: { 'address.$': '$.application.address' }, End: true },
          },
        },
        { application: { name: 'Spock' } },
      );

      // Assess
      expect(result).toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause:
          "An error occurred while executing the state 'Check Address' (entered at the event id #4). The JSONPath " +
          "'$.application.address' specified for the field 'address.$' could not be found in the input '{\"flagged\":false}'",
      });
      expect(result.history.find((event) => event.id === 4)?.stateEnteredEventDetails?.name).toBe('Check Address');
    });

    it('names InputPath and OutputPath as the field, and the state inside a Map iteration', async () => {
      // Act
      const inputPath = await run(
        { StartAt: 'Pick', States: { Pick: { Type: 'Pass', InputPath: '$.missing', End: true } } },
        { order: 1 },
      );
      const outputPath = await run(
        { StartAt: 'Pick', States: { Pick: { Type: 'Pass', OutputPath: '$.missing', End: true } } },
        { order: 1 },
      );
      const inMap = await run(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemProcessor: {
                StartAt: 'Item',
                States: { Item: { Type: 'Pass', Parameters: { 'id.$': '$.id' }, End: true } },
              },
              End: true,
            },
          },
        },
        [{ other: 1 }],
      );

      // Assess
      expect(inputPath.cause).toBe(
        "An error occurred while executing the state 'Pick' (entered at the event id #2). The JSONPath '$.missing' " +
          "specified for the field 'InputPath' could not be found in the input '{\"order\":1}'",
      );
      expect(outputPath.cause).toContain("The JSONPath '$.missing' specified for the field 'OutputPath'");
      expect(inMap.error).toBe('States.Runtime');
      expect(inMap.cause).toMatch(
        /^An error occurred while executing the state 'Item' \(entered at the event id #\d+\)\. The JSONPath '\$\.id' specified for the field 'id\.\$' could not be found in the input '\{"other":1\}'$/,
      );
    });
  });

  describe(`Map ItemsPath that selects an object or no array (${ITEMS_PATH_DOC})`, () => {
    function mapOver(itemsPath: string, itemSelector?: Record<string, unknown>) {
      return {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: itemsPath,
            ...(itemSelector === undefined ? {} : { ItemSelector: itemSelector }),
            ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      };
    }

    it('an object runs one iteration per key-value pair, in key order, each given the pair as its input', async () => {
      // Act: the page says each iteration gets "the pair"; a one-member object { key: value } is how the local cloud
      // gives it (docs/local-cloud/stepfunctions.md, Different from AWS)
      const result = await run(mapOver('$.servers'), { servers: { web: { port: 80 }, db: { port: 5432 } } });

      // Assess
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        error: undefined,
        output: [{ web: { port: 80 } }, { db: { port: 5432 } }],
      });
    });

    it('$$.Map.Item.Value is the pair and $$.Map.Item.Index its position among the keys', async () => {
      // Act
      const result = await run(
        mapOver('$.servers', { 'pair.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' }),
        {
          servers: { web: { port: 80 }, db: { port: 5432 } },
        },
      );

      // Assess
      expect(result.output).toEqual([
        { pair: { web: { port: 80 } }, index: 0 },
        { pair: { db: { port: 5432 } }, index: 1 },
      ]);
    });

    it('an empty object runs no iteration and gives []', async () => {
      // Act
      const result = await run(mapOver('$.servers'), { servers: {} });

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: [] });
    });

    it.each([3, 'three', true, null])(
      'a value that is neither array nor object fails with States.Runtime in the documented terms: %j',
      async (count) => {
        // Act
        const result = await run(mapOver('$.count'), { count });

        // Assess
        expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
        expect(result.cause).toContain("The value of ItemsPath '$.count' must evaluate to a JSON array or object");
      },
    );

    it('an array still runs one iteration per item', async () => {
      // Act
      const result = await run(mapOver('$.items'), { items: [1, 2, 3] });

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: [1, 2, 3] });
    });
  });

  describe(`Intrinsic functions (${INTRINSICS_DOC})`, () => {
    it('States.StringToJson of an empty string is null; of text that is not JSON, States.Runtime', async () => {
      // Act
      const empty = await runParameters({ 'parsed.$': 'States.StringToJson($.text)' }, { text: '' });
      const invalid = await runParameters({ 'parsed.$': 'States.StringToJson($.text)' }, { text: '{nope' });

      // Assess
      expect(empty).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: { parsed: null } });
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

    it('States.Format takes objects and arrays, rendered as compact JSON (AWS does not document the rendering)', async () => {
      // Act
      const result = await runParameters(
        { 'text.$': "States.Format('order {} lines {}', $.order, $.lines)" },
        { order: { id: 'a"1', total: 5 }, lines: [1, 'x', null] },
      );

      // Assess
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        error: undefined,
        output: { text: 'order {"id":"a\\"1","total":5} lines [1,"x",null]' },
      });
    });

    it("the escapes \\' \\{ \\} \\\\ stand for the character; an escaped {} is text, not a placeholder", async () => {
      // Act
      const result = await runParameters(
        {
          'text.$': "States.Format('it\\'s \\{\\} {}', $.count)",
          'list.$': "States.Array('\\{a\\}')",
          'path.$': "States.Format('C:\\\\{}', $.folder)",
        },
        { count: 5, folder: 'tmp' },
      );

      // Assess
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        output: { text: "it's {} 5", list: ['{a}'], path: 'C:\\tmp' },
      });
    });

    it('States.JsonToString keeps the backslashes JSON escapes need', async () => {
      // Act
      const result = await runParameters({ 'text.$': 'States.JsonToString($.quote)' }, { quote: { said: 'say "hi"' } });

      // Assess
      expect(result.output).toEqual({ text: '{"said":"say \\"hi\\""}' });
      expect(JSON.parse((result.output as { text: string }).text)).toEqual({ said: 'say "hi"' });
    });

    it('States.MathRandom rounds non-integer bounds instead of refusing them', async () => {
      // Act: both bounds round to 1, so the only possible result is 1
      const result = await runParameters({ 'random.$': 'States.MathRandom($.start, $.end)' }, { start: 0.6, end: 1.4 });

      // Assess
      expect(result).toMatchObject({ status: 'SUCCEEDED', error: undefined, output: { random: 1 } });
    });
  });
  describe(`lambda:invoke with a string Payload (${LAMBDA_DOC})`, () => {
    const definition = {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: functionArn('echo'), 'Payload.$': '$.body' },
          End: true,
        },
      },
    };

    it('sends the text itself as the request body: the function gets the JSON it holds', async () => {
      // Prepare
      const integrations = new FakeIntegrations({ echo: (payload) => ({ payload }) });

      // Act
      const result = await run(definition, { body: '{"order":7}' }, integrations);

      // Assess
      expect(integrations.functionCalls).toEqual([{ functionName: 'echo', payload: { order: 7 } }]);
      expect(result.status).toBe('SUCCEEDED');
      expect((result.output as { Payload: unknown }).Payload).toEqual({ order: 7 });
    });

    it('a string that is no JSON is refused as Lambda.InvalidRequestContentException, the function not called', async () => {
      // Prepare
      const integrations = new FakeIntegrations({ echo: (payload) => ({ payload }) });

      // Act
      const result = await run(definition, { body: 'plain text' }, integrations);

      // Assess
      expect(integrations.functionCalls).toEqual([]);
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('Lambda.InvalidRequestContentException');
      expect(result.cause).toContain('Could not parse request body into json');
    });
  });

  describe(`Task timeout (${TASK_TIMED_OUT_DOC})`, () => {
    it('fails with States.Timeout and no cause, in the execution and in TaskTimedOut', async () => {
      // Prepare: a function that never answers, and a 1 s Task timeout
      const integrations = new FakeIntegrations({ hang: () => new Promise(() => undefined) });
      const definition = {
        StartAt: 'Slow',
        States: {
          Slow: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: functionArn('hang'), 'Payload.$': '$' },
            TimeoutSeconds: 1,
            End: true,
          },
        },
      };

      // Act
      const result = await run(definition, {}, integrations);

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.Timeout');
      expect(result.cause).toBeUndefined();
      const timedOut = result.history.find((event) => event.type === 'TaskTimedOut');
      expect(timedOut?.taskTimedOutEventDetails).toEqual({
        resourceType: 'lambda',
        resource: 'invoke',
        error: 'States.Timeout',
      });
    });
  });

  describe(`Fail state ErrorPath and CausePath (${FAIL_DOC})`, () => {
    it('evaluates an intrinsic function in ErrorPath and CausePath', async () => {
      // Act
      const result = await run(
        {
          StartAt: 'Fail',
          States: {
            Fail: {
              Type: 'Fail',
              ErrorPath: "States.Format('{}.Rejected', $.service)",
              CausePath: 'States.JsonToString($.detail)',
            },
          },
        },
        { service: 'Billing', detail: { code: 42 } },
      );

      // Assess
      expect(result).toMatchObject({ status: 'FAILED', error: 'Billing.Rejected', cause: '{"code":42}' });
    });

    it('a reference path still works, and an intrinsic that gives no string fails with States.Runtime', async () => {
      // Act
      const path = await run(
        { StartAt: 'Fail', States: { Fail: { Type: 'Fail', ErrorPath: '$.error', CausePath: '$.cause' } } },
        { error: 'Custom.Error', cause: 'because' },
      );
      const notText = await run(
        { StartAt: 'Fail', States: { Fail: { Type: 'Fail', ErrorPath: 'States.ArrayLength($.items)' } } },
        { items: [1, 2] },
      );

      // Assess
      expect(path).toMatchObject({ status: 'FAILED', error: 'Custom.Error', cause: 'because' });
      expect(notText).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    });
  });

  describe('Definitions AWS refuses at creation', () => {
    async function addMachine(definition: Record<string, unknown>) {
      harness ??= await startHarness(new FakeIntegrations(), { waitOverrideMs: 0 });
      machines += 1;
      harness.service.addStateMachine(stateMachine(`Refused${machines}`, definition));
    }

    function waitUntil(timestamp: string) {
      return {
        StartAt: 'Hold',
        States: { Hold: { Type: 'Wait', Timestamp: timestamp, Next: 'Done' }, Done: { Type: 'Succeed' } },
      };
    }

    it.each(['2026-03-14 01:59:00Z', '2026-03-14t01:59:00Z', '2026-03-14T01:59:00z', '2026-03-14'])(
      `a Wait Timestamp that is no RFC 3339 timestamp with uppercase T and Z: %s (${WAIT_DOC})`,
      async (timestamp) => {
        // Act
        const adding = addMachine(waitUntil(timestamp));

        // Assess
        await expect(adding).rejects.toThrow(InvalidAslDefinitionError);
        await expect(adding).rejects.toThrow(/RFC 3339/);
      },
    );

    it(`a Wait Timestamp in RFC 3339 is taken, with Z or an offset (${WAIT_DOC})`, async () => {
      // Act
      const result = await run(waitUntil('2020-03-14T01:59:00Z'), {});
      const withOffset = await run(waitUntil('2020-03-14T01:59:00.5+02:00'), {});

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(withOffset.status).toBe('SUCCEEDED');
    });

    it.each(['\\n', '\\d', '\\u0041', '\\"'])(
      `an intrinsic function's string with the illegal escape %s (${INTRINSICS_DOC})`,
      async (illegalEscape) => {
        // Prepare: only \', \{, \} and \\ are escapes inside an intrinsic function's string
        const definition = {
          StartAt: 'Shape',
          States: {
            Shape: { Type: 'Pass', Parameters: { 'text.$': `States.Format('a${illegalEscape}b')` }, End: true },
          },
        };

        // Act
        const adding = addMachine(definition);

        // Assess
        await expect(adding).rejects.toThrow(InvalidAslDefinitionError);
        await expect(adding).rejects.toThrow(
          `${illegalEscape.slice(0, 2)} is no escape in an intrinsic function's string`,
        );
      },
    );

    it(`an illegal escape in a Fail CausePath intrinsic, refused by CreateStateMachine and ValidateStateMachineDefinition (${INTRINSICS_DOC})`, async () => {
      // Prepare
      const definition = JSON.stringify({
        StartAt: 'Stop',
        States: { Stop: { Type: 'Fail', Error: 'Stopped', CausePath: "States.Format('line\\tbreak')" } },
      });
      harness = await startHarness(new FakeIntegrations());

      // Act
      const created = await harness.client
        .send(new CreateStateMachineCommand({ name: 'IllegalEscape', definition, roleArn: ROLE }))
        .catch((error: unknown) => error);
      const validated = await harness.client.send(new ValidateStateMachineDefinitionCommand({ definition }));

      // Assess
      expect(created).toBeInstanceOf(InvalidDefinition);
      expect((created as Error).message).toMatch(/SCHEMA_VALIDATION_FAILED.*'CausePath'.*\\t is no escape/);
      expect(validated.result).toBe('FAIL');
      expect(validated.diagnostics).toEqual([
        expect.objectContaining({
          severity: 'ERROR',
          code: 'SCHEMA_VALIDATION_FAILED',
          message: expect.stringContaining("\\t is no escape in an intrinsic function's string"),
        }),
      ]);
    });

    it(`ProcessorConfig Mode DISTRIBUTED under the legacy Iterator (${MAP_DOC})`, async () => {
      // Prepare
      const definition = {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Iterator: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Item',
              States: { Item: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
      };
      harness = await startHarness(new FakeIntegrations());

      // Act
      const adding = addMachine(definition);
      const creating = harness.client.send(
        new CreateStateMachineCommand({
          name: 'LegacyDistributed',
          definition: JSON.stringify(definition),
          roleArn: ROLE,
        }),
      );

      // Assess
      await expect(adding).rejects.toThrow(InvalidAslDefinitionError);
      await expect(creating).rejects.toThrow(InvalidDefinition);
      await expect(creating).rejects.toThrow(/SCHEMA_VALIDATION_FAILED.*legacy Iterator/);
    });
  });
  describe(`States.DataLimitExceeded at 256 KiB (${ERRORS_DOC})`, () => {
    /** 150,000 characters: under the limit alone, over it twice. */
    const text = 'x'.repeat(150_000);

    it('a state input over the limit after Parameters fails the execution', async () => {
      // Act
      const result = await runParameters({ 'a.$': '$.text', 'b.$': '$.text' }, { text });

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.DataLimitExceeded');
      expect(result.cause).toContain("'Shape' has an input");
    });

    it('a state output over the limit fails the execution', async () => {
      // Act: the Pass state's own input is within the limit; its ResultPath doubles it
      const result = await run(
        { StartAt: 'Copy', States: { Copy: { Type: 'Pass', ResultPath: '$.copy', End: true } } },
        { text },
      );

      // Assess
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('States.DataLimitExceeded');
      expect(result.cause).toContain("'Copy' has an output");
    });

    it('a Task result over the limit is not caught by States.ALL or States.TaskFailed, only by its name', async () => {
      // Prepare
      const big = () => ({ payload: { text: text + text } });
      const taskCatching = (errors: string[]) => ({
        StartAt: 'Fetch',
        States: {
          Fetch: {
            Type: 'Task',
            Resource: functionArn('big'),
            Catch: [{ ErrorEquals: errors, ResultPath: '$.caught', Next: 'Handled' }],
            End: true,
          },
          Handled: { Type: 'Pass', OutputPath: '$.caught.Error', End: true },
        },
      });
      const integrations = new FakeIntegrations({ big });

      // Act
      const wildcard = await run(taskCatching(['States.ALL']), {}, integrations);
      const taskFailed = await run(taskCatching(['States.TaskFailed']), {}, integrations);
      const byName = await run(taskCatching(['States.DataLimitExceeded']), {}, integrations);

      // Assess
      expect(wildcard).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(wildcard.cause).toContain("'Fetch' returned a result");
      expect(taskFailed).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(byName).toMatchObject({ status: 'SUCCEEDED', output: 'States.DataLimitExceeded' });
    });

    it('a payload just under the limit passes', async () => {
      // Act: 262,144 bytes in all, counting the quotes of the JSON string
      const result = await runParameters({ 'text.$': '$.text' }, { text: 'y'.repeat(262_144 - 12) });

      // Assess
      expect(result.status).toBe('SUCCEEDED');
    });
  });
  // $$.State, the whole $$ and $$.Task: stepfunctions-conformance-context.test.ts.
  describe(`Context object members (${CONTEXT_DOC})`, () => {
    it('Execution and StateMachine members are given', async () => {
      // Act
      const result = await runParameters(
        { 'name.$': '$$.Execution.Name', 'machine.$': '$$.StateMachine.Name', 'input.$': '$$.Execution.Input' },
        { order: 1 },
      );

      // Assess
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({ input: { order: 1 } });
    });
  });
});
