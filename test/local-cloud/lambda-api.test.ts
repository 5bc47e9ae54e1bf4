import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaRuntime, type LambdaRuntime, lambdaApiListener } from '../../local-cloud/lambda/index.js';
import { type AssetDirectories, createAssetDirectories, functionSpec, HANDLERS_SOURCE } from './lambda-fixture.js';

// Most requests mirror what `@aws-sdk/client-lambda`'s `InvokeCommand` and `GetFunctionCommand` put on the wire
// (REST-JSON, API version 2015-03-31), to assert on the HTTP answer itself; the LogType case uses the SDK's client.

let assets: AssetDirectories;
let runtime: LambdaRuntime;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  assets = await createAssetDirectories();
  const directory = await assets.create('handlers', { 'index.js': HANDLERS_SOURCE });
  runtime = createLambdaRuntime({
    functions: [
      functionSpec('echo', directory, 'index.echo'),
      functionSpec('fail', directory, 'index.fail'),
      functionSpec('inspect', directory, 'index.inspect'),
      functionSpec('log', directory, 'index.log'),
      functionSpec('single', directory, 'index.sleep', {
        reservedConcurrency: 1,
        memorySizeMb: 1024,
        timeoutSeconds: 10,
      }),
    ],
    baseEnvironment: {},
  });
  server = createServer(lambdaApiListener(runtime));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await runtime.stop();
  await assets.remove();
});

function invoke(functionName: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...headers },
    body,
  });
}

describe('Lambda REST API', () => {
  it('invokes synchronously and answers the payload with the executed version', async () => {
    // Act
    const response = await invoke('arn:aws:lambda:us-east-1:000000000000:function:echo', '{"orderId":"o-1"}');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(response.headers.get('x-amz-function-error')).toBeNull();
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ event: { orderId: 'o-1' } });
  });

  it('answers a function error with status 200, X-Amz-Function-Error and the error document', async () => {
    // Act
    const response = await invoke('fail', '{}');

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await response.json()).toMatchObject({
      errorType: 'PaymentDeclinedError',
      errorMessage: 'card declined',
      trace: expect.arrayContaining(['PaymentDeclinedError: card declined']),
    });
  });

  it('accepts an Event invocation with 202 and an empty body', async () => {
    // Act
    const response = await invoke('echo', '{"async":true}', { 'X-Amz-Invocation-Type': 'Event' });
    await runtime.whenIdle();

    // Assess
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });

  it('passes X-Amz-Client-Context to the handler as context.clientContext', async () => {
    // Prepare
    const clientContext = Buffer.from(JSON.stringify({ custom: { caller: 'api-test' } })).toString('base64');

    // Act
    const response = await invoke('inspect', '{}', { 'X-Amz-Client-Context': clientContext });

    // Assess
    const body = (await response.json()) as { context: { clientContext: unknown } };
    expect(body.context.clientContext).toEqual({ custom: { caller: 'api-test' } });
  });

  it('answers an unknown function with a REST-JSON 404 ResourceNotFoundException', async () => {
    // Act
    const response = await invoke('nope', '{}');

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({
      Type: 'User',
      message: 'Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    });
  });

  it('answers a throttled invocation with 429 TooManyRequestsException', async () => {
    // Act
    const responses = await Promise.all([invoke('single', '{"ms":300}'), invoke('single', '{"ms":300}')]);

    // Assess
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 429]);
    const throttled = responses.find((response) => response.status === 429);
    expect(throttled?.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(await throttled?.json()).toEqual({
      Type: 'User',
      message: 'Rate Exceeded.',
      Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
    });
  });

  it('refuses a body that is not JSON with 400 InvalidRequestContentException', async () => {
    // Act
    const response = await invoke('echo', 'not json');

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });

  it('returns the last 4 KB of the log as LogResult to InvokeCommand with LogType Tail', async () => {
    // Prepare: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (X-Amz-Log-Type, X-Amz-Log-Result)
    const client = new LambdaClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });

    // Act
    const output = await client.send(
      new InvokeCommand({
        FunctionName: 'log',
        Payload: Buffer.from(JSON.stringify({ word: 'tail-me' })),
        LogType: 'Tail',
      }),
    );
    client.destroy();

    // Assess
    expect(output.StatusCode).toBe(200);
    expect(JSON.parse(Buffer.from(output.Payload ?? []).toString('utf8'))).toBe('logged');
    const requestId = output.$metadata.requestId;
    const log = Buffer.from(output.LogResult ?? '', 'base64');
    expect(log.length).toBeLessThanOrEqual(4096);
    const lines = log.toString('utf8').split('\n');
    expect(lines[0]).toBe(`START RequestId: ${requestId} Version: $LATEST`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`\\t${requestId}\\tINFO\\tplain tail-me$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: `)));
  });

  it('answers no log without LogType Tail, and refuses a LogType Lambda does not know', async () => {
    // Act
    const plain = await invoke('echo', '{}');
    const unknown = await invoke('echo', '{}', { 'X-Amz-Log-Type': 'Head' });

    // Assess
    expect(plain.headers.get('x-amz-log-result')).toBeNull();
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('InvalidParameterValueException');
  });

  it('returns a minimal configuration for GetFunction', async () => {
    // Act
    const response = await fetch(`${endpoint}/2015-03-31/functions/single`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      Configuration: {
        FunctionName: 'single',
        FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:single',
        Runtime: 'nodejs22.x',
        Handler: 'index.sleep',
        MemorySize: 1024,
        Timeout: 10,
        Version: '$LATEST',
        State: 'Active',
      },
      Concurrency: { ReservedConcurrentExecutions: 1 },
    });
  });
});
