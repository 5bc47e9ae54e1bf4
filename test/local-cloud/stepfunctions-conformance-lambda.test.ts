/**
 * Conformance of the optimized `lambda:invoke` integration with AWS, against the local Lambda runtime (real worker
 * threads, real log lines): the result's HTTP metadata, the error of a missing function and `LogType: Tail`. Each
 * case names the AWS page that states the behaviour.
 */
import { DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaTaskInvoker } from '../../local-cloud/integrations.js';
import { createLambdaRuntime, type LambdaRuntime } from '../../local-cloud/lambda/index.js';
import type { TaskIntegrations } from '../../local-cloud/stepfunctions/index.js';
import { type AssetDirectories, createAssetDirectories, functionSpec } from './lambda-fixture.js';
import { functionArn, type Harness, startHarness, stateMachine } from './stepfunctions-harness.js';

const LAMBDA_DOC = 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html';
const INVOKE_API_DOC = 'https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html';

/** Handlers whose log lines the cases look for in the tail. */
const HANDLERS = `
exports.echo = async (event) => ({ echoed: event });
exports.log = async (event) => {
  console.log('checking out', event.orderId);
  return { logged: event.orderId };
};
exports.chatty = async () => {
  for (let line = 0; line < 200; line += 1) console.log('line', line, 'x'.repeat(60));
  return 'done';
};
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let assets: AssetDirectories;
let runtime: LambdaRuntime;
let harness: Harness;
let machines = 0;

beforeAll(async () => {
  assets = await createAssetDirectories();
  const directory = await assets.create('handlers', { 'index.js': HANDLERS });
  runtime = createLambdaRuntime({
    functions: [
      functionSpec('echo', directory, 'index.echo'),
      functionSpec('log', directory, 'index.log'),
      functionSpec('chatty', directory, 'index.chatty'),
    ],
    baseEnvironment: {},
  });
  const integrations: TaskIntegrations = {
    invokeFunction: lambdaTaskInvoker(() => runtime),
    callService: async (service, action) => {
      throw new Error(`${service}:${action} is not used by these cases`);
    },
  };
  harness = await startHarness(integrations);
});

afterAll(async () => {
  await harness.close();
  await runtime.stop();
  await assets.remove();
});

/** Runs one `lambda:invoke` Task with `parameters` and answers how the execution ended. */
async function invokeOnce(parameters: Record<string, unknown>, input: unknown) {
  machines += 1;
  const config = stateMachine(`LambdaConformance${machines}`, {
    StartAt: 'Invoke',
    States: { Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: parameters, End: true } },
  });
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
    output: described.output === undefined ? undefined : (JSON.parse(described.output) as InvokeTaskResult),
  };
}

interface InvokeTaskResult {
  ExecutedVersion?: string;
  LogResult?: string;
  Payload: unknown;
  SdkHttpMetadata: {
    AllHttpHeaders: Record<string, string[]>;
    HttpHeaders: Record<string, string>;
    HttpStatusCode: number;
  };
  SdkResponseMetadata: { RequestId: string };
  StatusCode: number;
}

describe('lambda:invoke conformance with AWS', () => {
  it(`answers Lambda's Invoke response with the SDK's HTTP metadata of this invocation (${LAMBDA_DOC})`, async () => {
    // Prepare
    const startedAt = Date.now();

    // Act
    const { status, output } = await invokeOnce({ FunctionName: 'echo', 'Payload.$': '$' }, { orderId: 'o-1' });

    // Assess
    expect(status).toBe('SUCCEEDED');
    const result = output as InvokeTaskResult;
    expect(Object.keys(result)).toEqual([
      'ExecutedVersion',
      'Payload',
      'SdkHttpMetadata',
      'SdkResponseMetadata',
      'StatusCode',
    ]);
    expect(result).toMatchObject({
      ExecutedVersion: '$LATEST',
      Payload: { echoed: { orderId: 'o-1' } },
      StatusCode: 200,
    });
    const requestId = result.SdkResponseMetadata.RequestId;
    expect(requestId).toMatch(UUID);
    const headers = result.SdkHttpMetadata.HttpHeaders;
    expect(headers).toEqual({
      Connection: 'keep-alive',
      'Content-Length': String(Buffer.byteLength(JSON.stringify(result.Payload))),
      'Content-Type': 'application/json',
      Date: expect.any(String),
      'X-Amz-Executed-Version': '$LATEST',
      'x-amzn-Remapped-Content-Length': '0',
      'x-amzn-RequestId': requestId,
      'X-Amzn-Trace-Id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/),
    });
    // An HTTP date has whole seconds: the answer came no earlier than the second the execution started.
    expect(Date.parse(headers.Date ?? '')).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000) * 1000);
    expect(result.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(result.SdkHttpMetadata.AllHttpHeaders).toEqual(
      Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    );
  });

  it(`fails a Task invoking a missing function with Lambda.ResourceNotFoundException and the SDK's cause (${LAMBDA_DOC})`, async () => {
    // Act
    const { status, error, cause } = await invokeOnce({ FunctionName: 'no-such-function', Payload: {} }, {});

    // Assess
    expect(status).toBe('FAILED');
    expect(error).toBe('Lambda.ResourceNotFoundException');
    expect(cause).toMatch(
      new RegExp(
        `^Function not found: ${functionArn('no-such-function')} \\(Service: AWSLambda; Status Code: 404; ` +
          'Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\\)$',
      ),
    );
  });

  it(`returns the invocation's log in LogResult for LogType Tail (${INVOKE_API_DOC})`, async () => {
    // Act
    const { status, output } = await invokeOnce(
      { FunctionName: 'log', 'Payload.$': '$', LogType: 'Tail' },
      { orderId: 'o-tail' },
    );

    // Assess
    expect(status).toBe('SUCCEEDED');
    const result = output as InvokeTaskResult;
    expect(Object.keys(result)).toEqual([
      'ExecutedVersion',
      'LogResult',
      'Payload',
      'SdkHttpMetadata',
      'SdkResponseMetadata',
      'StatusCode',
    ]);
    expect(result.SdkHttpMetadata.HttpHeaders['X-Amz-Log-Result']).toBe(result.LogResult);
    const requestId = result.SdkResponseMetadata.RequestId;
    const lines = Buffer.from(result.LogResult ?? '', 'base64')
      .toString('utf8')
      .split('\n');
    expect(lines[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`\\t${requestId}\\tINFO\\tchecking out o-tail$`)));
    expect(lines).toContain(`END RequestId: ${requestId}`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: `)));
    expect(lines.at(-1)).toBe('');
  });

  it(`keeps only the last 4 KB of a longer log in LogResult (${INVOKE_API_DOC})`, async () => {
    // Act
    const { output } = await invokeOnce({ FunctionName: 'chatty', LogType: 'Tail' }, {});

    // Assess
    const result = output as InvokeTaskResult;
    const tail = Buffer.from(result.LogResult ?? '', 'base64');
    expect(tail.length).toBe(4096);
    const text = tail.toString('utf8');
    expect(text).not.toContain('START RequestId');
    expect(text).toContain(`line 199 ${'x'.repeat(60)}`);
    expect(text).toMatch(new RegExp(`REPORT RequestId: ${result.SdkResponseMetadata.RequestId}\\t[^\\n]*\\n$`));
  });

  it(`omits LogResult when LogType is not Tail (${INVOKE_API_DOC})`, async () => {
    // Act
    const { output } = await invokeOnce({ FunctionName: 'log', Payload: { orderId: 'o-none' }, LogType: 'None' }, {});

    // Assess
    const result = output as InvokeTaskResult;
    expect(result.Payload).toEqual({ logged: 'o-none' });
    expect(result).not.toHaveProperty('LogResult');
    expect(result.SdkHttpMetadata.HttpHeaders).not.toHaveProperty('X-Amz-Log-Result');
  });
});
