import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, type FaultKind } from '../../local-cloud/faults/fault-plan.js';
import { createLambdaRuntime, type LambdaRuntime } from '../../local-cloud/lambda/index.js';
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

/** A runtime with the fixture's `log` handler (its effect: a `plain <word>` line) and one fault kind always on. */
function startWithFault(kind: FaultKind) {
  const lines: string[] = [];
  const faults = new FaultInjector({ seed: 'test', rates: { [kind]: 1 } });
  runtime = createLambdaRuntime({
    functions: [functionSpec('logger', handlersDirectory, 'index.log')],
    baseEnvironment: {},
    log: (line) => lines.push(line),
    faults,
  });
  const handlerRan = (word: string) => lines.some((line) => line.includes(`plain ${word}`));
  return { lambda: runtime, faults, handlerRan };
}

describe('Lambda fault injection', () => {
  it('throttles before the handler runs: TooManyRequestsException', async () => {
    // Prepare
    const { lambda, handlerRan } = startWithFault('lambda.throttle');

    // Act
    const invoked = lambda.invoke('logger', { word: 'throttled', correlationId: 'saga-1' });

    // Assess
    await expect(invoked).rejects.toMatchObject({ name: 'TooManyRequestsException', statusCode: 429 });
    expect(handlerRan('throttled')).toBe(false);
  });

  it('fails before the handler runs: ServiceException, and nothing happened', async () => {
    // Prepare
    const { lambda, handlerRan } = startWithFault('lambda.failBeforeHandler');

    // Act
    const invoked = lambda.invoke('logger', { word: 'before', correlationId: 'saga-1' });

    // Assess
    await expect(invoked).rejects.toMatchObject({ code: 'ServiceException', statusCode: 500 });
    expect(handlerRan('before')).toBe(false);
  });

  it("loses the answer after the handler ran: the caller gets ServiceException, the handler's effects stay", async () => {
    // Prepare
    const { lambda, faults, handlerRan } = startWithFault('lambda.failAfterHandler');

    // Act
    const invoked = lambda.invoke('logger', { word: 'after', correlationId: 'saga-2' });

    // Assess
    await expect(invoked).rejects.toMatchObject({ code: 'ServiceException', statusCode: 500 });
    expect(handlerRan('after')).toBe(true);
    expect(faults.injected()).toEqual([
      { kind: 'lambda.failAfterHandler', key: 'loggerFunction|saga-2', occurrence: 0 },
    ]);
  });

  it('times out after the handler ran: a Sandbox.Timedout error payload, the effects stay', async () => {
    // Prepare
    const { lambda, handlerRan } = startWithFault('lambda.timeoutAfterHandler');

    // Act
    const result = await lambda.invoke('logger', { word: 'late', correlationId: 'saga-3' });

    // Assess
    expect(result).toMatchObject({ error: { errorType: 'Sandbox.Timedout' } });
    expect(handlerRan('late')).toBe(true);
  });

  it('never hits an invocation outside a saga (no correlation ID): the local cloud and its tools are not faulted', async () => {
    // Prepare
    const { lambda, faults } = startWithFault('lambda.failBeforeHandler');

    // Act
    const result = await lambda.invoke('logger', { word: 'outside' });

    // Assess
    expect(result).toMatchObject({ payload: 'logged' });
    expect(faults.injected()).toEqual([]);
  });

  it("scopes an API Gateway request to its client's X-Correlation-Id header", async () => {
    // Prepare
    const { lambda, faults } = startWithFault('lambda.failBeforeHandler');

    // Act
    const invoked = lambda.invoke('logger', { httpMethod: 'POST', headers: { 'X-Correlation-Id': 'client-7' } });

    // Assess
    await expect(invoked).rejects.toMatchObject({ code: 'ServiceException' });
    expect(faults.injected()).toEqual([
      { kind: 'lambda.failBeforeHandler', key: 'loggerFunction|client-7', occurrence: 0 },
    ]);
  });

  it('lets a service crash an invocation of a saga mid-handler: Runtime.ExitError, the environment discarded', async () => {
    // Prepare: the injector hands out each saga invocation's kill switch, as a service would find it by trace ID.
    const kills: Array<() => void> = [];
    const faults = new (class extends FaultInjector {
      override enterInvocation(traceId: string, saga: string, caller: string, kill?: () => void) {
        if (kill) kills.push(kill);
        return super.enterInvocation(traceId, saga, caller, kill);
      }
    })({ seed: 'test', rates: {} });
    const lines: string[] = [];
    runtime = createLambdaRuntime({
      functions: [functionSpec('sleeper', handlersDirectory, 'index.sleep')],
      baseEnvironment: {},
      log: (line) => lines.push(line),
      faults,
    });
    const invoked = runtime.invoke('sleeper', { ms: 5_000, correlationId: 'saga-1' });
    // The handler runs once Lambda logged START (after the cold start).
    while (!lines.some((line) => line.includes('START RequestId'))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    // Act
    kills[0]?.();
    const result = await invoked;
    const after = await runtime.invoke('sleeper', { ms: 0 });

    // Assess
    expect('error' in result && result.error.errorType).toBe('Runtime.ExitError');
    expect('error' in result && result.error.errorMessage).toMatch(/signal: killed \(injected fault\)/);
    expect('payload' in after && after.payload).toEqual({ invocationsInWorker: 1 });
  });
});
