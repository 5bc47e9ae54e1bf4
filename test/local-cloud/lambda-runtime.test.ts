import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createLambdaRuntime,
  type FunctionSpec,
  type InvokeResult,
  type LambdaRuntime,
} from '../../local-cloud/lambda/index.js';
import { type AssetDirectories, createAssetDirectories, functionSpec, HANDLERS_SOURCE } from './lambda-fixture.js';

let assets: AssetDirectories;
let handlersDirectory: string;
let runtime: LambdaRuntime | undefined;

beforeAll(async () => {
  assets = await createAssetDirectories();
  handlersDirectory = await assets.create('handlers', { 'index.js': HANDLERS_SOURCE });
});

afterAll(async () => {
  await assets.remove();
});

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

function start(
  functions: FunctionSpec[],
  options: { baseEnvironment?: Record<string, string>; log?: (line: string) => void } = {},
) {
  runtime = createLambdaRuntime({ functions, baseEnvironment: options.baseEnvironment ?? {}, log: options.log });
  return runtime;
}

function payloadOf(result: InvokeResult): Record<string, unknown> {
  if ('error' in result) throw new Error(`expected a payload, got ${JSON.stringify(result.error)}`);
  return result.payload as Record<string, unknown>;
}

describe('Lambda runtime: results and errors', () => {
  it('answers with the handler result, loading the module once: a cold start, then a warm one', async () => {
    // Prepare
    const lambda = start([functionSpec('echo', handlersDirectory, 'index.echo')]);

    // Act
    const first = await lambda.invoke('echo', { orderId: 'o-1' });
    const second = await lambda.invoke('arn:aws:lambda:us-east-1:000000000000:function:echo', { orderId: 'o-2' });

    // Assess
    expect(payloadOf(first)).toEqual({ event: { orderId: 'o-1' }, moduleInits: 1, invocationsInWorker: 1 });
    expect(payloadOf(second)).toEqual({ event: { orderId: 'o-2' }, moduleInits: 1, invocationsInWorker: 2 });
    expect(lambda.stats('echo')).toEqual({
      coldStarts: 1,
      warmStarts: 1,
      invocations: 2,
      errors: 0,
      timeouts: 0,
      throttles: 0,
      concurrentNow: 0,
      maxConcurrentSeen: 1,
    });
  });

  it("turns a thrown error into Lambda's error document and keeps the environment warm", async () => {
    // Prepare
    const lambda = start([functionSpec('fail', handlersDirectory, 'index.fail')]);

    // Act
    const first = await lambda.invoke('fail', {});
    await lambda.invoke('fail', {});

    // Assess
    expect('error' in first && first.error).toMatchObject({
      errorType: 'PaymentDeclinedError',
      errorMessage: 'card declined',
    });
    const trace = 'error' in first ? (first.error.trace ?? []) : [];
    expect(trace[0]).toBe('PaymentDeclinedError: card declined');
    expect(trace.some((line) => line.includes(`${handlersDirectory}/index.js`))).toBe(true);
    expect(lambda.stats('fail')).toMatchObject({ coldStarts: 1, warmStarts: 1, errors: 2 });
  });

  it('supports callback-style handlers on nodejs22.x', async () => {
    // Prepare
    const lambda = start([functionSpec('callback', handlersDirectory, 'index.callback')]);

    // Act
    const result = await lambda.invoke('callback', { value: 42 });

    // Assess
    expect(payloadOf(result)).toEqual({ viaCallback: 42 });
  });

  it('refuses an unknown function with ResourceNotFoundException', async () => {
    // Prepare
    const lambda = start([functionSpec('echo', handlersDirectory, 'index.echo')]);

    // Act
    const attempt = lambda.invoke('no-such-function', {});

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:no-such-function',
    });
    await expect(lambda.invoke('echo:live', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses a runtime other than Node.js 20/22/24 when created', () => {
    // Prepare
    const python = functionSpec('python', handlersDirectory, 'index.handler', { runtime: 'python3.12' });

    // Act
    const create = () => createLambdaRuntime({ functions: [python], baseEnvironment: {} });

    // Assess
    expect(create).toThrow(/python3\.12.*nodejs20\.x, nodejs22\.x, nodejs24\.x/);
  });
});

describe('Lambda runtime: environment and context', () => {
  it('gives the handler base, template and reserved variables, and a Lambda context', async () => {
    // Prepare
    const lambda = start(
      [
        functionSpec('inspect', handlersDirectory, 'index.inspect', {
          environment: { TABLE_NAME: 'orders', POWERTOOLS_SERVICE_NAME: 'checkout', SHARED: 'from-template' },
          memorySizeMb: 512,
          timeoutSeconds: 5,
        }),
      ],
      { baseEnvironment: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', SHARED: 'from-base' } },
    );

    // Act
    const first = payloadOf(await lambda.invoke('inspect', {}, { clientContext: { custom: { tenant: 't-1' } } }));
    const second = payloadOf(await lambda.invoke('inspect', {}));

    // Assess
    const env = first.env as Record<string, string>;
    expect(env).toMatchObject({
      TABLE_NAME: 'orders',
      POWERTOOLS_SERVICE_NAME: 'checkout',
      SHARED: 'from-template',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_LAMBDA_FUNCTION_NAME: 'inspect',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/inspect',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: handlersDirectory,
      _HANDLER: 'index.inspect',
      TZ: ':UTC',
    });
    expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(env._X_AMZN_TRACE_ID).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect((second.env as Record<string, string>)._X_AMZN_TRACE_ID).not.toBe(env._X_AMZN_TRACE_ID);

    const context = first.context as Record<string, unknown>;
    expect(context).toMatchObject({
      functionName: 'inspect',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:inspect',
      memoryLimitInMB: '512',
      logGroupName: '/aws/lambda/inspect',
      logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      hasIdentity: false,
      clientContext: { custom: { tenant: 't-1' } },
    });
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.remainingTimeInMillis).toBeGreaterThan(0);
    expect(context.remainingTimeInMillis).toBeLessThanOrEqual(5000);
    expect((second.context as Record<string, unknown>).awsRequestId).not.toBe(context.awsRequestId);
  });

  it('refuses a template that sets a reserved variable, as Lambda does', () => {
    // Prepare
    const spec = functionSpec('bad-env', handlersDirectory, 'index.echo', { environment: { AWS_REGION: 'eu-west-1' } });

    // Act
    const create = () => createLambdaRuntime({ functions: [spec], baseEnvironment: {} });

    // Assess
    expect(create).toThrow(/reserved environment variables \(AWS_REGION\)/);
  });

  it('passes function output to the log, prefixed with the function name; structured lines unchanged', async () => {
    // Prepare
    const lines: string[] = [];
    const lambda = start([functionSpec('logger', handlersDirectory, 'index.log')], { log: (line) => lines.push(line) });

    // Act
    const result = await lambda.invoke('logger', { word: 'hello' });

    // Assess
    expect(lines).toContain('[logger] {"level":"INFO","message":"structured","service":"test"}');
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^\\[logger\\] \\S+Z\\t${result.requestId}\\tINFO\\tplain hello$`)),
    );
    expect(lines).toContain(`[logger] START RequestId: ${result.requestId} Version: $LATEST`);
    expect(lines).toContain(`[logger] END RequestId: ${result.requestId}`);
    expect(lines).toContainEqual(expect.stringMatching(/^\[logger\] REPORT RequestId: .*Init Duration: /));
  });
});

describe('Lambda runtime: timeouts, crashes and init failures', () => {
  it('kills the environment of a timed-out invocation; the next invocation cold starts', async () => {
    // Prepare
    const lambda = start([functionSpec('sleepy', handlersDirectory, 'index.sleep', { timeoutSeconds: 1 })]);
    await lambda.invoke('sleepy', { ms: 0 });

    // Act
    const timedOut = await lambda.invoke('sleepy', { ms: 5000 });
    const after = await lambda.invoke('sleepy', { ms: 0 });

    // Assess
    expect(timedOut).toMatchObject({
      error: { errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' },
    });
    expect(payloadOf(after)).toEqual({ invocationsInWorker: 1 });
    expect(lambda.stats('sleepy')).toMatchObject({ coldStarts: 2, warmStarts: 1, timeouts: 1, errors: 1 });
  });

  it.each([
    ['exit', 'Runtime.ExitError', /^RequestId: \S+ Error: Runtime exited with error: exit status 7$/],
    ['throwLater', 'RangeError', /^thrown from a timer$/],
    ['rejectLater', 'Runtime.UnhandledPromiseRejection', /^Error: nobody awaited me$/],
  ])(
    'fails the invocation when %s takes the worker down, then recovers with a cold start',
    async (handler, errorType, message) => {
      // Prepare
      const lambda = start([functionSpec(`crash-${handler}`, handlersDirectory, `index.${handler}`)]);

      // Act
      const crashed = await lambda.invoke(`crash-${handler}`, {});
      const again = await lambda.invoke(`crash-${handler}`, {});

      // Assess
      expect('error' in crashed && crashed.error.errorType).toBe(errorType);
      expect('error' in crashed && crashed.error.errorMessage).toMatch(message);
      expect('error' in again && again.error.errorType).toBe(errorType);
      expect(lambda.stats(`crash-${handler}`)).toMatchObject({ coldStarts: 2, warmStarts: 0, errors: 2 });
    },
  );

  it('reports init failures with the Runtime error types of Lambda', async () => {
    // Prepare
    const throwingInit = await assets.create('throwing-init', {
      'index.js': "throw new TypeError('config missing');\n",
    });
    const lambda = start([
      functionSpec('no-module', handlersDirectory, 'missing.handler'),
      functionSpec('no-export', handlersDirectory, 'index.nothingHere'),
      functionSpec('bad-init', throwingInit, 'index.handler'),
    ]);

    // Act
    const results = await Promise.all(['no-module', 'no-export', 'bad-init'].map((name) => lambda.invoke(name, {})));

    // Assess
    expect(results.map((result) => ('error' in result ? result.error : undefined))).toMatchObject([
      { errorType: 'Runtime.ImportModuleError', errorMessage: "Error: Cannot find module 'missing'" },
      { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothingHere is undefined or not exported' },
      { errorType: 'TypeError', errorMessage: 'config missing' },
    ]);
  });
});

describe('Lambda runtime: concurrency', () => {
  it('lets a function run as many environments as its minimum (its queue pollers), past the machine bound', async () => {
    // Prepare
    runtime = createLambdaRuntime({
      functions: [functionSpec('worker', handlersDirectory, 'index.sleep')],
      baseEnvironment: {},
      maxEnvironmentsPerFunction: 1,
      minimumEnvironments: (spec) => (spec.name === 'worker' ? 3 : 1),
    });

    // Act
    await Promise.all([0, 1, 2].map(() => runtime?.invoke('worker', { ms: 200 })));

    // Assess: three at once, in three environments.
    expect(runtime.stats('worker')).toMatchObject({ coldStarts: 3, maxConcurrentSeen: 3 });
  });

  it('throttles a second concurrent invocation past reserved concurrency 1', async () => {
    // Prepare
    const lambda = start([functionSpec('single', handlersDirectory, 'index.sleep', { reservedConcurrency: 1 })]);

    // Act
    const outcomes = await Promise.allSettled([
      lambda.invoke('single', { ms: 300 }),
      lambda.invoke('single', { ms: 300 }),
    ]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ name: 'TooManyRequestsException', statusCode: 429 });
    expect(lambda.stats('single')).toMatchObject({
      throttles: 1,
      invocations: 1,
      maxConcurrentSeen: 1,
      concurrentNow: 0,
    });
  });

  it('runs concurrent invocations in separate environments under the account limit', async () => {
    // Prepare
    runtime = createLambdaRuntime({
      functions: [functionSpec('parallel', handlersDirectory, 'index.sleep')],
      baseEnvironment: {},
      accountConcurrencyLimit: 2,
      maxEnvironmentsPerFunction: 2,
    });

    // Act
    const outcomes = await Promise.allSettled([0, 1, 2].map(() => runtime?.invoke('parallel', { ms: 300 })));

    // Assess
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({
      reason: { name: 'TooManyRequestsException', reason: 'ConcurrentInvocationLimitExceeded' },
    });
    expect(runtime.stats('parallel')).toMatchObject({ coldStarts: 2, maxConcurrentSeen: 2 });
  });
});
