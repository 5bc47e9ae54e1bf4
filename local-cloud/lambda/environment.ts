/** What a function sees of its execution environment: variables, log names, trace headers, and spec validation. */
import { randomBytes } from 'node:crypto';
import { LOCAL_REGION } from '../aws-protocol.js';
import { functionAccessKeyId } from '../iam/credentials.js';
import { InvalidFunctionConfigurationError, UnsupportedRuntimeError } from './errors.js';
import type { FunctionSpec } from './types.js';

const SUPPORTED_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;

/** Keys Lambda refuses in a function's configuration because the platform sets them. */
const RESERVED_KEYS = new Set([
  '_HANDLER',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/** Refuses, at construction, a spec that Lambda would refuse or that the local runtime cannot honour. */
export function validateFunctionSpec(spec: FunctionSpec): void {
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(spec.runtime)) {
    throw new UnsupportedRuntimeError(spec.name, spec.runtime, SUPPORTED_RUNTIMES);
  }
  const reservedUsed = Object.keys(spec.environment).filter((key) => RESERVED_KEYS.has(key));
  if (reservedUsed.length > 0) {
    throw new InvalidFunctionConfigurationError(
      `Function ${spec.name} sets reserved environment variables (${reservedUsed.join(', ')}); Lambda refuses them`,
    );
  }
  if (!Number.isFinite(spec.timeoutSeconds) || spec.timeoutSeconds < 1 || spec.timeoutSeconds > 900) {
    throw new InvalidFunctionConfigurationError(
      `Function ${spec.name}: timeout must be 1-900 s, got ${spec.timeoutSeconds}`,
    );
  }
  if (!Number.isInteger(spec.memorySizeMb) || spec.memorySizeMb < 128 || spec.memorySizeMb > 10_240) {
    throw new InvalidFunctionConfigurationError(
      `Function ${spec.name}: memory must be 128-10240 MB, got ${spec.memorySizeMb}`,
    );
  }
  if (
    spec.reservedConcurrency !== undefined &&
    (!Number.isInteger(spec.reservedConcurrency) || spec.reservedConcurrency < 0)
  ) {
    throw new InvalidFunctionConfigurationError(
      `Function ${spec.name}: reserved concurrency must be a non-negative integer, got ${spec.reservedConcurrency}`,
    );
  }
  const retries = spec.asyncConfig?.maximumRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2)) {
    throw new InvalidFunctionConfigurationError(
      `Function ${spec.name}: maximumRetryAttempts must be 0-2, got ${retries}`,
    );
  }
  const maxAge = spec.asyncConfig?.maximumEventAgeInSeconds;
  if (maxAge !== undefined && (!Number.isInteger(maxAge) || maxAge < 60 || maxAge > 21_600)) {
    throw new InvalidFunctionConfigurationError(
      `Function ${spec.name}: maximumEventAgeInSeconds must be 60-21600, got ${maxAge}`,
    );
  }
}

function regionOf(spec: FunctionSpec, baseEnvironment: Record<string, string>): string {
  const fromArn = spec.arn.split(':')[3];
  return fromArn || baseEnvironment.AWS_REGION || LOCAL_REGION;
}

/**
 * The variables of one execution environment, in Lambda's precedence: the platform's reserved variables cannot be
 * overridden, the template's variables win over the local cloud's base environment.
 */
export function buildEnvironment(
  spec: FunctionSpec,
  baseEnvironment: Record<string, string>,
  logStreamName: string,
): Record<string, string> {
  const region = regionOf(spec, baseEnvironment);
  return {
    ...baseEnvironment,
    TZ: ':UTC',
    ...spec.environment,
    // Its own key, by which the edge knows which function (and so which role) signs a call (local-cloud/iam/).
    AWS_ACCESS_KEY_ID: functionAccessKeyId(spec.name),
    _HANDLER: spec.handler,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: spec.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(spec),
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    LAMBDA_TASK_ROOT: spec.codeDirectory,
  };
}

function logGroupName(spec: FunctionSpec): string {
  return `/aws/lambda/${spec.name}`;
}

/** A log stream name per execution environment, shaped like Lambda's `2024/01/31/[$LATEST]<32 hex>`. */
export function newLogStreamName(now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** A fresh X-Ray trace header, as Lambda puts in `_X_AMZN_TRACE_ID` for each invocation. */
export function newTraceHeader(now = Date.now()): string {
  const epochSeconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epochSeconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
