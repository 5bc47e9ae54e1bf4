/**
 * The subset of Lambda's REST-JSON API (version 2015-03-31) that the unchanged `LambdaClient` needs: Invoke,
 * GetFunction and GetFunctionConfiguration. Anything else is answered with an explicit error.
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener, ServerResponse } from 'node:http';
import { AwsServiceError, readBody } from '../aws-protocol.js';
import { LambdaRequestError } from './errors.js';
import type { FunctionSpec, InvocationType, LambdaRuntime, LogType } from './types.js';

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const FUNCTION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const CONFIGURATION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;
const INVOCATION_TYPES: readonly InvocationType[] = ['RequestResponse', 'Event', 'DryRun'];
const LOG_TYPES: readonly LogType[] = ['None', 'Tail'];

/** Serves the Lambda API for `runtime`; mount it on the paths under `/2015-03-31/functions/`. */
export function lambdaApiListener(runtime: LambdaRuntime): RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://lambda.local');
        const qualifier = url.searchParams.get('Qualifier') ?? undefined;
        const invokeMatch = INVOKE_PATH.exec(url.pathname);
        if (invokeMatch?.[1] && req.method === 'POST') {
          const reference = withQualifier(decodeURIComponent(invokeMatch[1]), qualifier);
          await invoke(runtime, reference, req.headers, await readBody(req), res);
          return;
        }
        const configurationMatch = CONFIGURATION_PATH.exec(url.pathname);
        if (configurationMatch?.[1] && req.method === 'GET') {
          const spec = runtime.getFunction(withQualifier(decodeURIComponent(configurationMatch[1]), qualifier));
          sendJson(res, 200, functionConfiguration(spec));
          return;
        }
        const functionMatch = FUNCTION_PATH.exec(url.pathname);
        if (functionMatch?.[1] && req.method === 'GET') {
          const spec = runtime.getFunction(withQualifier(decodeURIComponent(functionMatch[1]), qualifier));
          sendJson(res, 200, {
            Configuration: functionConfiguration(spec),
            Code: { RepositoryType: 'S3', Location: `file://${spec.codeDirectory}` },
            ...(spec.reservedConcurrency === undefined
              ? {}
              : { Concurrency: { ReservedConcurrentExecutions: spec.reservedConcurrency } }),
          });
          return;
        }
        throw new LambdaRequestError(
          'UnknownOperationException',
          `${req.method} ${url.pathname} is not a Lambda operation supported by the local cloud (Invoke, GetFunction, GetFunctionConfiguration)`,
        );
      } catch (error) {
        sendError(res, error);
      }
    })();
  };
}

async function invoke(
  runtime: LambdaRuntime,
  reference: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const invocationType = header(headers, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!(INVOCATION_TYPES as readonly string[]).includes(invocationType)) {
    throw new LambdaRequestError(
      'InvalidParameterValueException',
      `Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  const logType = header(headers, 'x-amz-log-type') ?? 'None';
  if (!(LOG_TYPES as readonly string[]).includes(logType)) {
    throw new LambdaRequestError(
      'InvalidParameterValueException',
      `Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]`,
    );
  }
  const clientContext = decodeClientContext(header(headers, 'x-amz-client-context'));
  const payload = parsePayload(body);
  const result = await runtime.invoke(reference, payload, {
    invocationType: invocationType as InvocationType,
    clientContext,
    logType: logType as LogType,
  });

  // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax: LogResult travels as
  // X-Amz-Log-Result, the SDK's `LogResult`; the runtime sets it only for a synchronous invocation asking for Tail.
  const common = {
    'x-amzn-requestid': result.requestId,
    ...(result.traceId === undefined ? {} : { 'x-amzn-trace-id': result.traceId }),
    ...(result.logResult === undefined ? {} : { 'x-amz-log-result': result.logResult }),
  };
  if (invocationType === 'Event') {
    res.writeHead(202, { ...common, 'content-length': 0 });
    res.end();
  } else if (invocationType === 'DryRun') {
    res.writeHead(204, common);
    res.end();
  } else if ('error' in result) {
    sendJson(res, 200, result.error, {
      ...common,
      'x-amz-executed-version': '$LATEST',
      'x-amz-function-error': 'Unhandled',
    });
  } else {
    sendJson(res, 200, result.payload ?? null, { ...common, 'x-amz-executed-version': '$LATEST' });
  }
}

function parsePayload(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new LambdaRequestError(
      'InvalidRequestContentException',
      `Could not parse request body into json: ${(error as Error).message}`,
    );
  }
}

function decodeClientContext(encoded: string | undefined): unknown {
  if (encoded === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as unknown;
  } catch {
    throw new LambdaRequestError(
      'InvalidParameterValueException',
      'Client context must be a valid Base64-encoded JSON object.',
    );
  }
}

function withQualifier(reference: string, qualifier: string | undefined): string {
  return qualifier === undefined ? reference : `${reference}:${qualifier}`;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function functionConfiguration(spec: FunctionSpec): Record<string, unknown> {
  return {
    FunctionName: spec.name,
    FunctionArn: spec.arn,
    Runtime: spec.runtime,
    Handler: spec.handler,
    CodeSize: 0,
    Description: '',
    Timeout: spec.timeoutSeconds,
    MemorySize: spec.memorySizeMb,
    Version: '$LATEST',
    Environment: { Variables: spec.environment },
    TracingConfig: { Mode: 'PassThrough' },
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: [spec.architecture ?? 'x86_64'],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${spec.name}` },
    ...(spec.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: spec.deadLetterTargetArn } } : {}),
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'x-amzn-requestid': randomUUID(),
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** REST-JSON errors: the SDK reads the exception name from `x-amzn-errortype`, Lambda's body adds `Type`. */
function sendError(res: ServerResponse, error: unknown): void {
  const serviceError =
    error instanceof AwsServiceError
      ? error
      : new AwsServiceError('ServiceException', error instanceof Error ? error.message : String(error), 500);
  const text = JSON.stringify({
    Type: serviceError.statusCode >= 500 ? 'Service' : 'User',
    message: serviceError.message,
    ...serviceError.extra,
  });
  res.writeHead(serviceError.statusCode, {
    'x-amzn-requestid': randomUUID(),
    'x-amzn-errortype': serviceError.code,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
