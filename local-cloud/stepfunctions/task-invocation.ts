/**
 * The call a Task attempt makes, per route: what reaches `TaskIntegrations`, the result the state sees, and the error
 * names Retry and Catch see, all shaped like AWS.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../aws-protocol.js';
import { StatesRuntimeError, TaskFailedError } from './errors.js';
import { type NestedExecutions, nestedExecutionRequest, startNestedExecution } from './nested-executions.js';
import type { TaskRoute } from './resources.js';
import type {
  InvokeFunctionResult,
  LambdaFunctionError,
  LambdaInvocationMetadata,
  LambdaInvokeOptions,
  TaskCall,
  TaskIntegrations,
} from './types.js';

/** What a Task's call reaches: the rest of the local cloud, and this Step Functions' own executions. */
export interface TaskCallTargets {
  readonly integrations: TaskIntegrations;
  /** For `states:startExecution`. */
  readonly nested: NestedExecutions;
  readonly log?: (line: string) => void;
  /** The execution role, whose policies each call is checked against (when the integrations check). */
  readonly roleArn?: string;
}

/** Names of JavaScript's own errors: thrown by a crashing integration, never by an AWS service. */
const JAVASCRIPT_ERROR_NAMES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
  'AggregateError',
]);

/** Optimized integrations whose AWS result carries the Java SDK's HTTP metadata next to the service response. */
const SERVICES_WITH_SDK_METADATA = new Set(['lambda', 'sqs', 'sns', 'dynamodb']);

/**
 * Performs one attempt's call. Resolves with the Task's raw result (for `.sync`, the job's start: the attempt then
 * waits for the job); rejects with a `TaskFailedError` named like AWS.
 */
export async function invokeTaskRoute(route: TaskRoute, input: unknown, targets: TaskCallTargets): Promise<unknown> {
  const { nested, log } = targets;
  const integrations = authorizing(targets);
  switch (route.kind) {
    case 'lambdaFunction':
      return payloadOrThrow(await guarded(route, () => integrations.invokeFunction(route.functionArn ?? '', input)));
    case 'lambdaInvoke':
      return invokeLambdaIntegration(route, input, integrations, log);
    case 'service':
      return callServiceIntegration(route, input, integrations);
    case 'stateMachine': {
      const request = nestedExecutionRequest(input);
      await guarded(route, () =>
        integrations.authorize({ kind: 'startExecution', stateMachineArn: String(request.stateMachineArn) }),
      );
      // A refused start (a name in use, a missing machine) fails as StepFunctions.<code>, e.g. ExecutionAlreadyExists.
      return guarded(route, async () => startNestedExecution(request, nested));
    }
  }
}

/** The integrations, each call first checked against the execution role (when the integrations check). */
function authorizing(targets: TaskCallTargets): TaskIntegrations & { authorize(call: TaskCall): Promise<void> } {
  const { integrations, roleArn } = targets;
  const authorize = async (call: TaskCall) => {
    if (roleArn !== undefined) await integrations.authorizeTask?.(roleArn, call);
  };
  return {
    ...integrations,
    authorize,
    invokeFunction: async (functionArn: string, payload: unknown, options?: LambdaInvokeOptions) => {
      await authorize({ kind: 'lambda', functionArn });
      return integrations.invokeFunction(functionArn, payload, options);
    },
    callService: async (service, action, parameters) => {
      await authorize({ kind: 'service', service, action, parameters });
      return integrations.callService(service, action, parameters);
    },
  };
}

async function invokeLambdaIntegration(
  route: TaskRoute,
  input: unknown,
  integrations: TaskIntegrations,
  log?: (line: string) => void,
): Promise<unknown> {
  const parameters = asObject(input);
  if (typeof parameters?.FunctionName !== 'string') {
    throw new StatesRuntimeError('lambda:invoke needs Parameters with a FunctionName string');
  }
  const functionArn = qualifyFunctionName(parameters.FunctionName, parameters.Qualifier);
  const payload = lambdaPayload(parameters.Payload);
  const invocationType = parameters.InvocationType ?? 'RequestResponse';
  if (invocationType === 'Event') {
    // An asynchronous invoke reports only that Lambda accepted the event; the function's own outcome is not the Task's.
    Promise.resolve()
      .then(() => integrations.invokeFunction(functionArn, payload))
      .then(
        (result) => {
          if ('error' in result)
            log?.(`[stepfunctions] async invoke of ${functionArn} failed: ${result.error.errorType}`);
        },
        (error: unknown) => log?.(`[stepfunctions] async invoke of ${functionArn} failed: ${String(error)}`),
      );
    return lambdaInvokeResult('', 202);
  }
  if (invocationType === 'DryRun') return lambdaInvokeResult('', 204);
  if (invocationType !== 'RequestResponse') {
    throw new StatesRuntimeError(`lambda:invoke InvocationType '${String(invocationType)}' is not valid`);
  }
  const logType = parameters.LogType ?? 'None';
  if (logType !== 'None' && logType !== 'Tail') {
    const message = `1 validation error detected: Value '${String(logType)}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]`;
    throw new TaskFailedError(
      'Lambda.InvalidParameterValueException',
      lambdaServiceCause(message, 400, 'InvalidParameterValueException'),
    );
  }
  const result = await guarded(route, () => integrations.invokeFunction(functionArn, payload, { logType }));
  return lambdaInvokeResult(payloadOrThrow(result), 200, result);
}

/**
 * AWS sends a string `Payload` as the request body itself, not encoded as a JSON string a second time: the function
 * gets the JSON document the text holds, and text that is no JSON is refused by Lambda.
 */
function lambdaPayload(payload: unknown): unknown {
  if (payload === undefined) return {};
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload) as unknown;
  } catch (error) {
    const message = `Could not parse request body into json: ${(error as Error).message}`;
    throw new TaskFailedError(
      'Lambda.InvalidRequestContentException',
      lambdaServiceCause(message, 400, 'InvalidRequestContentException'),
    );
  }
}

async function callServiceIntegration(route: TaskRoute, input: unknown, integrations: TaskIntegrations) {
  const parameters = asObject(input) ?? {};
  const request = route.sdk ? parameters : serializeOptimizedBodies(route, parameters);
  const result = await guarded(route, () => integrations.callService(route.service, route.action, request));
  if (!route.sdk && route.service === 'events' && failedEntryCount(result) > 0) {
    throw new TaskFailedError('EventBridge.FailedEntry', JSON.stringify(result));
  }
  if (route.sdk || !SERVICES_WITH_SDK_METADATA.has(route.service)) return result;
  return { ...(asObject(result) ?? {}), ...sdkMetadata(200) };
}

/**
 * Optimized integrations accept JSON objects where the service API wants a string (`MessageBody`, `Message`,
 * `Detail`) and serialize them, which is what lets a definition embed `TaskToken.$` in a message body.
 */
function serializeOptimizedBodies(route: TaskRoute, parameters: Record<string, unknown>): Record<string, unknown> {
  const serialized = { ...parameters };
  if (route.service === 'sqs' && 'MessageBody' in serialized) serialized.MessageBody = asText(serialized.MessageBody);
  if (route.service === 'sns' && 'Message' in serialized) serialized.Message = asText(serialized.Message);
  if (route.service === 'events' && Array.isArray(serialized.Entries)) {
    serialized.Entries = serialized.Entries.map((entry: unknown) => {
      const fields = asObject(entry);
      return fields !== undefined && 'Detail' in fields ? { ...fields, Detail: asText(fields.Detail) } : entry;
    });
  }
  return serialized;
}

function payloadOrThrow(result: InvokeFunctionResult): unknown {
  if ('error' in result) throw lambdaFunctionFailure(result.error);
  return result.payload;
}

/** AWS: Error is the function's errorType, Cause the runtime's error JSON. */
function lambdaFunctionFailure(error: LambdaFunctionError): TaskFailedError {
  const { errorType, errorMessage, trace } = error;
  return new TaskFailedError(errorType || 'Lambda.Unknown', JSON.stringify({ errorType, errorMessage, trace }));
}

/** Runs an integration call, turning whatever it throws (or a synchronous throw) into an AWS-named Task failure. */
async function guarded<T>(route: TaskRoute, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (thrown) {
    throw integrationFailure(route, thrown);
  }
}

function integrationFailure(route: TaskRoute, thrown: unknown): TaskFailedError {
  const { code, message, statusCode } = describeThrown(thrown);
  if (code === undefined) {
    // A crash of the local integration itself is no AWS service error; AWS's closest name is the generic one.
    return new TaskFailedError('States.TaskFailed', message);
  }
  // AWS SDK integrations always name errors with the Exception suffix, even when the service's own name lacks it.
  const errorName = route.sdk && !code.endsWith('Exception') ? `${code}Exception` : code;
  const cause =
    route.kind === 'lambdaInvoke'
      ? lambdaServiceCause(message, statusCode, code)
      : `${message} (Service: ${route.errorPrefix}, Status Code: ${statusCode}, Error Code: ${code}, Request ID: ${randomUUID()})`;
  return new TaskFailedError(`${route.errorPrefix}.${errorName}`, cause);
}

/**
 * The Cause of a Lambda service error in `lambda:invoke`: Lambda's message, then what the AWS SDK for Java (v1, whose
 * `SdkHttpMetadata` the result also carries) appends to a service exception's message, e.g. "Function not found:
 * arn:aws:lambda:us-east-1:123456789012:function:name (Service: AWSLambda; Status Code: 404; Error Code:
 * ResourceNotFoundException; Request ID: <uuid>; Proxy: null)". AWS does not document the Cause text; this is the
 * form AWS SDK for Java v1 clients of Lambda report (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html
 * documents only the error name, Lambda.ResourceNotFoundException in its Retry example's list).
 */
function lambdaServiceCause(message: string, statusCode: number, code: string): string {
  return `${message} (Service: AWSLambda; Status Code: ${statusCode}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`;
}

function describeThrown(thrown: unknown): { code?: string; message: string; statusCode: number } {
  if (thrown instanceof AwsServiceError) {
    return { code: thrown.code, message: thrown.message, statusCode: thrown.statusCode };
  }
  if (typeof thrown === 'object' && thrown !== null) {
    const { name, message, $metadata } = thrown as {
      name?: unknown;
      message?: unknown;
      $metadata?: { httpStatusCode?: unknown };
    };
    const text = typeof message === 'string' ? message : String(thrown);
    const statusCode = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : 400;
    if (typeof name === 'string' && name.length > 0 && !JAVASCRIPT_ERROR_NAMES.has(name)) {
      return { code: name, message: text, statusCode };
    }
    return { message: typeof name === 'string' ? `${name}: ${text}` : text, statusCode: 500 };
  }
  return { message: String(thrown), statusCode: 500 };
}

/** `lambda:invoke` accepts a name, a partial ARN or a full ARN, optionally qualified; integrations get a full ARN. */
function qualifyFunctionName(functionName: string, qualifier: unknown): string {
  const suffix = typeof qualifier === 'string' && qualifier.length > 0 ? `:${qualifier}` : '';
  if (functionName.startsWith('arn:')) return `${functionName}${suffix}`;
  const partial = /^(\d{12}):function:(.+)$/.exec(functionName);
  if (partial) return `arn:aws:lambda:${LOCAL_REGION}:${partial[1]}:function:${partial[2]}${suffix}`;
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}${suffix}`;
}

/**
 * The Task's result: Lambda's Invoke response as Step Functions serializes the AWS SDK for Java's `InvokeResult`,
 * fields in alphabetical order (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html). The
 * response headers are those Lambda answers a synchronous Invoke, their values taken from this invocation; an
 * asynchronous (202) or dry-run (204) answer has no body, executed version or trace of its own.
 */
function lambdaInvokeResult(
  payload: unknown,
  statusCode: number,
  invocation: LambdaInvocationMetadata = {},
): Record<string, unknown> {
  const requestId = invocation.requestId ?? randomUUID();
  const synchronous = statusCode === 200;
  const headers: Record<string, string> = {
    Connection: 'keep-alive',
    'Content-Length': String(synchronous ? Buffer.byteLength(JSON.stringify(payload ?? null)) : 0),
    ...(synchronous ? { 'Content-Type': 'application/json' } : {}),
    Date: new Date().toUTCString(),
    ...(synchronous ? { 'X-Amz-Executed-Version': '$LATEST' } : {}),
    ...(invocation.logResult === undefined ? {} : { 'X-Amz-Log-Result': invocation.logResult }),
    'x-amzn-Remapped-Content-Length': '0',
    'x-amzn-RequestId': requestId,
    ...(invocation.traceId === undefined ? {} : { 'X-Amzn-Trace-Id': invocation.traceId }),
  };
  return {
    ...(synchronous ? { ExecutedVersion: '$LATEST' } : {}),
    ...(invocation.logResult === undefined ? {} : { LogResult: invocation.logResult }),
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: statusCode,
  };
}

function sdkMetadata(statusCode: number): Record<string, unknown> {
  const requestId = randomUUID();
  const headers = { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId };
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: statusCode,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

function failedEntryCount(result: unknown): number {
  const count = asObject(result)?.FailedEntryCount;
  return typeof count === 'number' ? count : 0;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
