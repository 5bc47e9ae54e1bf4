/**
 * The local Lambda service: runs each function's bundled asset in worker threads with the function's environment,
 * and behaves like Lambda where tests can tell (cold and warm starts, concurrency and throttling, timeouts, error
 * documents, asynchronous retries and failure destinations).
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { AwsServiceError, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws-protocol.js';
import { type FaultKind, sagaScopeOf } from '../faults/fault-plan.js';
import { AsyncInvocationQueue } from './async-invocations.js';
import { ConcurrencyAccount, IdleTracker } from './concurrency.js';
import { newTraceHeader, validateFunctionSpec } from './environment.js';
import {
  InvalidFunctionConfigurationError,
  LambdaRequestError,
  LambdaResourceNotFoundError,
  LambdaRuntimeStoppedError,
  LambdaThrottledError,
} from './errors.js';
import { FunctionPool } from './function-pool.js';
import type { InvocationRequest } from './sandbox.js';
import type {
  FunctionSpec,
  InvokeOptions,
  InvokeResult,
  LambdaErrorPayload,
  LambdaRuntime,
  LambdaRuntimeOptions,
} from './types.js';

const SYNC_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/** Lambda's default quota of concurrent executions per account and region. */
const DEFAULT_ACCOUNT_CONCURRENCY_LIMIT = 1000;

/**
 * Environments one function may run at once here: one per core but the one the local cloud's own thread needs, at
 * least one. More would not run sooner on this machine (they share its cores), each costs a cold start and a V8
 * heap, and each warms its JIT on fewer invocations: on 2 cores, checkouts took 146 ms of CPU each with one
 * environment per function, 209 ms with two (docs/benchmarks.md).
 */
function defaultMaxEnvironmentsPerFunction(): number {
  return Math.max(1, availableParallelism() - 1);
}
const ASYNC_PAYLOAD_LIMIT_BYTES = 1024 * 1024;

/** Creates the runtime; refuses at once a function it could not run faithfully (runtime, config, missing wiring). */
export function createLambdaRuntime(options: LambdaRuntimeOptions): LambdaRuntime {
  const meter = options.meter;
  const log = options.log ?? (() => {});
  // Every line a function (or the platform, START/END/REPORT) writes lands in its log group, which bills the bytes.
  const functionLog = (spec: FunctionSpec) => (line: string) => {
    meter?.add('logs.ingestedBytes', Buffer.byteLength(line) + 1);
    log(`[${spec.name}] ${line}`);
  };
  const accountLimit = options.accountConcurrencyLimit ?? DEFAULT_ACCOUNT_CONCURRENCY_LIMIT;
  const maxEnvironments = options.maxEnvironmentsPerFunction ?? defaultMaxEnvironmentsPerFunction();
  validateAll(options, accountLimit);

  const reservedTotal = options.functions.reduce((sum, spec) => sum + (spec.reservedConcurrency ?? 0), 0);
  const account = new ConcurrencyAccount(accountLimit, reservedTotal);
  const pools = new Map<string, FunctionPool>();
  for (const spec of options.functions) {
    const ignoredNodeOptions = (spec.environment.NODE_OPTIONS ?? '')
      .split(/\s+/)
      .filter((flag) => flag.length > 0 && flag !== '--enable-source-maps');
    if (ignoredNodeOptions.length > 0) {
      log(`[${spec.name}] NODE_OPTIONS ${ignoredNodeOptions.join(' ')} has no effect: functions run in worker threads`);
    }
    pools.set(
      spec.name,
      new FunctionPool(spec, options.baseEnvironment, account, functionLog(spec), {
        // A function that mostly waits (a worker behind a queue) needs its pollers' parallelism, not CPU.
        maxEnvironments: Math.max(maxEnvironments, options.minimumEnvironments?.(spec) ?? 1),
        meter,
        cpuProfileDirectory: options.cpuProfileDirectory,
        awsEndpointListener: options.awsEndpointListener,
      }),
    );
  }
  const tracker = new IdleTracker();
  const asyncInvocations = new AsyncInvocationQueue({
    retryDelayMs: options.asyncRetryDelayMs ?? 1000,
    deliverFailedEvent: options.deliverFailedEvent,
    tracker,
    log,
  });
  account.onRelease(() => asyncInvocations.pumpAll());
  let stopped = false;

  function resolvePool(functionNameOrArn: string): FunctionPool {
    const { name, qualifier } = parseFunctionReference(functionNameOrArn);
    const pool = pools.get(name);
    const arnMatches = !functionNameOrArn.startsWith('arn:') || functionNameOrArn.startsWith(`${pool?.spec.arn}`);
    if (!pool || !arnMatches || (qualifier !== undefined && qualifier !== '$LATEST')) {
      const arn = functionNameOrArn.startsWith('arn:')
        ? functionNameOrArn
        : `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
      throw new LambdaResourceNotFoundError(arn);
    }
    return pool;
  }

  return {
    async invoke(functionNameOrArn, payload, invokeOptions: InvokeOptions = {}): Promise<InvokeResult> {
      if (stopped) throw new LambdaRuntimeStoppedError();
      const pool = resolvePool(functionNameOrArn);
      const invocationType = invokeOptions.invocationType ?? 'RequestResponse';
      const eventJson = serializeEvent(
        payload,
        invocationType === 'Event' ? ASYNC_PAYLOAD_LIMIT_BYTES : SYNC_PAYLOAD_LIMIT_BYTES,
      );
      const request: InvocationRequest = {
        requestId: randomUUID(),
        eventJson,
        invokedFunctionArn: functionNameOrArn.startsWith('arn:') ? functionNameOrArn : pool.spec.arn,
        traceId: newTraceHeader(),
        clientContext: invokeOptions.clientContext,
      };
      switch (invocationType) {
        case 'DryRun':
          return { payload: undefined, requestId: request.requestId };
        case 'Event':
          asyncInvocations.enqueue(pool, request);
          return { payload: undefined, requestId: request.requestId };
        case 'RequestResponse':
          break;
        default:
          throw new LambdaRequestError(
            'InvalidParameterValueException',
            `Invocation type ${String(invocationType)} is not one of RequestResponse, Event, DryRun`,
          );
      }
      const faults = options.faults;
      const saga = faults ? sagaScopeOf(eventJson) : undefined;
      const injects = (kind: FaultKind) =>
        saga !== undefined && faults?.shouldInject(kind, `${pool.spec.logicalId}|${saga}`) === true;
      if (injects('lambda.throttle')) throw new LambdaThrottledError('ConcurrentInvocationLimitExceeded');
      if (injects('lambda.failBeforeHandler')) throw injectedServiceException();
      const reservation = pool.tryReserve();
      if ('throttled' in reservation) throw new LambdaThrottledError(reservation.throttled);
      tracker.begin();
      // A service this invocation calls may crash it (stepfunctions.workerDies), found by its trace ID.
      const crash = saga === undefined ? undefined : new AbortController();
      const leave =
        saga === undefined
          ? undefined
          : faults?.enterInvocation(request.traceId, saga, pool.spec.logicalId, () => crash?.abort());
      try {
        const result = await pool.execute(reservation, request, crash?.signal).finally(leave);
        const metadata = {
          requestId: request.requestId,
          traceId: request.traceId,
          ...(invokeOptions.logType === 'Tail' ? { logResult: result.log.tail() } : {}),
        };
        // The handler ran and whatever it wrote stays written; only its answer is lost on the way back.
        if (injects('lambda.failAfterHandler')) throw injectedServiceException();
        if (injects('lambda.timeoutAfterHandler')) {
          return { error: injectedTimeout(pool.spec.timeoutSeconds), ...metadata };
        }
        if ('error' in result) return { error: result.error, ...metadata };
        if (Buffer.byteLength(result.payloadJson) > SYNC_PAYLOAD_LIMIT_BYTES) {
          return {
            error: {
              errorType: 'Function.ResponseSizeTooLarge',
              errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
            },
            ...metadata,
          };
        }
        return { payload: JSON.parse(result.payloadJson) as unknown, ...metadata };
      } finally {
        tracker.end();
      }
    },

    getFunction(functionNameOrArn): FunctionSpec {
      return resolvePool(functionNameOrArn).spec;
    },

    listFunctions(): FunctionSpec[] {
      return [...pools.values()].map((pool) => pool.spec);
    },

    stats(functionNameOrArn) {
      return { ...resolvePool(functionNameOrArn).stats };
    },

    whenIdle() {
      return tracker.whenIdle();
    },

    async stop() {
      stopped = true;
      asyncInvocations.stop();
      await Promise.all([...pools.values()].map((pool) => pool.stop()));
      tracker.wakeAll();
    },
  };
}

function validateAll(options: LambdaRuntimeOptions, accountLimit: number): void {
  const names = new Set<string>();
  let reservedTotal = 0;
  for (const spec of options.functions) {
    validateFunctionSpec(spec);
    if (names.has(spec.name)) throw new InvalidFunctionConfigurationError(`Function name ${spec.name} is used twice`);
    names.add(spec.name);
    reservedTotal += spec.reservedConcurrency ?? 0;
    const failureTarget = spec.asyncConfig?.onFailureDestinationArn ?? spec.deadLetterTargetArn;
    if (failureTarget && !options.deliverFailedEvent) {
      throw new InvalidFunctionConfigurationError(
        `Function ${spec.name} sends failed asynchronous events to ${failureTarget}, but no deliverFailedEvent was given`,
      );
    }
  }
  if (reservedTotal > accountLimit) {
    throw new InvalidFunctionConfigurationError(
      `Reserved concurrency of all functions (${reservedTotal}) exceeds the account limit (${accountLimit})`,
    );
  }
}

/** Accepts what Lambda accepts: a name, `name:qualifier`, a partial ARN, or a full ARN, with optional qualifier. */
function parseFunctionReference(reference: string): { name: string; qualifier?: string } {
  const parts = reference.split(':');
  if (reference.startsWith('arn:')) return { name: parts[6] ?? '', qualifier: parts[7] };
  if (parts[1] === 'function') return { name: parts[2] ?? '', qualifier: parts[3] };
  return { name: parts[0] ?? '', qualifier: parts[1] };
}

function serializeEvent(payload: unknown, limitBytes: number): string {
  let eventJson: string | undefined;
  try {
    eventJson = JSON.stringify(payload === undefined ? {} : payload);
  } catch (error) {
    throw new LambdaRequestError(
      'InvalidRequestContentException',
      `Could not serialize the payload: ${(error as Error).message}`,
    );
  }
  if (eventJson === undefined) {
    throw new LambdaRequestError('InvalidRequestContentException', 'The payload cannot be represented as JSON');
  }
  if (Buffer.byteLength(eventJson) > limitBytes) {
    throw new LambdaRequestError(
      'RequestTooLargeException',
      `Request must be smaller than ${limitBytes} bytes for the InvokeFunction operation`,
      413,
    );
  }
  return eventJson;
}

/** What Lambda answers when it fails an invocation itself: `ServiceException`, HTTP 500 (`Lambda.ServiceException` to Step Functions). */
function injectedServiceException(): AwsServiceError {
  return new AwsServiceError('ServiceException', 'Lambda was unable to process the request (injected fault)', 500);
}

/** The error payload of an invocation that ran out of time, as `Sandbox.Timedout` reports it. */
function injectedTimeout(timeoutSeconds: number): LambdaErrorPayload {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `Task timed out after ${timeoutSeconds.toFixed(2)} seconds (injected fault)`,
  };
}
