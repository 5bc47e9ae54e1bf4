/** Public shapes of the local Lambda runtime. Service modules receive these already resolved from the template. */
import type { RequestListener } from 'node:http';
import type { FaultInjector } from '../faults/fault-plan.js';
import type { UsageMeter } from '../metering.js';

/** One function of the cloud assembly, with every intrinsic already resolved. */
export interface FunctionSpec {
  logicalId: string;
  name: string;
  arn: string;
  /** Absolute path of the bundled asset directory in `cdk.out` (holds `index.js` or `index.mjs`). */
  codeDirectory: string;
  /** Lambda handler string, e.g. `index.handler`. */
  handler: string;
  /** Lambda runtime identifier, e.g. `nodejs22.x`. */
  runtime: string;
  environment: Record<string, string>;
  /** The execution role (`Role`): whose policies its AWS calls are checked against, when IAM is enforced. */
  roleArn?: string;
  timeoutSeconds: number;
  memorySizeMb: number;
  reservedConcurrency?: number;
  architecture?: string;
  deadLetterTargetArn?: string;
  asyncConfig?: {
    maximumRetryAttempts?: number;
    maximumEventAgeInSeconds?: number;
    onFailureDestinationArn?: string;
  };
}

/** The error document Lambda's Node.js runtime returns for a failed invocation. */
export interface LambdaErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/**
 * Outcome of `invoke`. For `Event` and `DryRun` invocations `payload` is `undefined`: the event was only accepted.
 * `requestId` is the invocation's `awsRequestId`.
 */
export type InvokeResult = ({ payload: unknown } | { error: LambdaErrorPayload }) & InvocationMetadata;

/** What Lambda answers about an invocation besides its outcome (response headers of `Invoke`). */
interface InvocationMetadata {
  requestId: string;
  /** The invocation's X-Ray trace header (`X-Amzn-Trace-Id`); absent for `Event` and `DryRun`. */
  traceId?: string;
  /** `LogType: Tail` of a synchronous invocation: base64 of the last 4 KB of its log (`X-Amz-Log-Result`). */
  logResult?: string;
}

/** `Tail` returns the end of a synchronous invocation's log with its result. */
export type LogType = 'None' | 'Tail';

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeOptions {
  invocationType?: InvocationType;
  /** Passed to the handler as `context.clientContext` (the decoded `X-Amz-Client-Context`). */
  clientContext?: unknown;
  /** Lambda ignores it for `Event` and `DryRun`: only a synchronous invocation has its log to return. */
  logType?: LogType;
}

/** Why and where a failed asynchronous event is sent; lets the caller shape the message (e.g. SQS attributes). */
export interface FailedEventDetails {
  kind: 'on-failure-destination' | 'dead-letter-queue';
  functionName: string;
  requestId: string;
  /** `RetriesExhausted` or `EventAgeExceeded`, as in a destination record's `requestContext.condition`. */
  condition: 'RetriesExhausted' | 'EventAgeExceeded';
  /** The last error, absent when the event expired before any attempt ran. */
  error?: LambdaErrorPayload;
}

export interface LambdaRuntimeOptions {
  functions: FunctionSpec[];
  /** Variables every function sees (credentials, `AWS_ENDPOINT_URL`, ...); the template's own variables win. */
  baseEnvironment: Record<string, string>;
  log?: (line: string) => void;
  /** Concurrent executions for the whole account; defaults to Lambda's default quota, 1000. */
  accountConcurrencyLimit?: number;
  /**
   * Execution environments one function may run at once on this machine; invocations beyond wait for one to be
   * handed back. Defaults to one per core but one, at least one (`defaultMaxEnvironmentsPerFunction`).
   */
  maxEnvironmentsPerFunction?: number;
  /**
   * Environments a function may always run, whatever `maxEnvironmentsPerFunction` says: for a function behind an
   * SQS event source mapping, its pollers (MaximumConcurrency), which Lambda promises to run side by side.
   */
  minimumEnvironments?: (spec: FunctionSpec) => number;
  /** Counts what Lambda bills: requests, GB-seconds, and the bytes of log lines written. */
  meter?: Pick<UsageMeter, 'add'>;
  /**
   * Injects Lambda's own failures into synchronous invocations (`lambda.*` kinds of the plan): throttles, service
   * errors before the handler, and lost answers or timeouts after it ran.
   */
  faults?: FaultInjector;
  /** Every environment writes a V8 CPU profile here when it ends (`--cpu-prof`): what `npm run bench -- --profile` reads. */
  cpuProfileDirectory?: string;
  /**
   * Serves the functions' requests to `AWS_ENDPOINT_URL` in-process (ADR 0019): the environment sends each request to
   * this listener as a message instead of over a loopback socket. Over HTTP when unset.
   */
  awsEndpointListener?: RequestListener;
  /**
   * Delay before the first retry of a failed asynchronous invocation; the second retry waits twice as long
   * (Lambda waits about 1 then 2 minutes). Defaults to 1000 ms.
   */
  asyncRetryDelayMs?: number;
  /**
   * Sends a failed asynchronous event to an on-failure destination (the `record` is Lambda's destination
   * record) or a dead-letter queue (the `record` is the original event). Required when a function has either.
   */
  deliverFailedEvent?: (targetArn: string, record: unknown, details: FailedEventDetails) => Promise<void>;
}

/** Counters per function, for benchmarks and docs. `errors` includes timeouts and crashed workers. */
export interface FunctionStats {
  coldStarts: number;
  warmStarts: number;
  invocations: number;
  errors: number;
  timeouts: number;
  throttles: number;
  concurrentNow: number;
  maxConcurrentSeen: number;
}

export interface LambdaRuntime {
  /**
   * Invokes a function by name or ARN. `RequestResponse` waits for the result; `Event` is accepted at once and
   * runs in the background with Lambda's retries. Throws `ResourceNotFoundException` for an unknown function and
   * `TooManyRequestsException` when a synchronous invocation is throttled.
   */
  invoke(functionNameOrArn: string, payload: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** The function's spec; throws `ResourceNotFoundException` for an unknown function. */
  getFunction(functionNameOrArn: string): FunctionSpec;
  /** Every function this runtime serves. */
  listFunctions(): FunctionSpec[];
  stats(functionNameOrArn: string): FunctionStats;
  /** Resolves once no invocation runs and no asynchronous event waits (queued, retrying or being delivered). */
  whenIdle(): Promise<void>;
  /** Terminates every worker and drops queued asynchronous events. */
  stop(): Promise<void>;
}
