/** Errors of the local Lambda runtime. The service exceptions carry Lambda's exception name as `name`. */
import { AwsServiceError } from '../aws-protocol.js';

/** The function (or qualifier) does not exist: Lambda's `ResourceNotFoundException`, HTTP 404. */
export class LambdaResourceNotFoundError extends AwsServiceError {
  constructor(functionArn: string) {
    super('ResourceNotFoundException', `Function not found: ${functionArn}`, 404);
    this.name = 'ResourceNotFoundException';
  }
}

export type ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

/** A synchronous invocation found no free concurrency: Lambda's `TooManyRequestsException`, HTTP 429. */
export class LambdaThrottledError extends AwsServiceError {
  constructor(readonly reason: ThrottleReason) {
    super('TooManyRequestsException', 'Rate Exceeded.', 429, { Reason: reason });
    this.name = 'TooManyRequestsException';
  }
}

/** A request Lambda itself would refuse (bad payload, unsupported parameter, ...). */
export class LambdaRequestError extends AwsServiceError {
  constructor(code: string, message: string, statusCode = 400) {
    super(code, message, statusCode);
    this.name = code;
  }
}

/** The function's runtime is not one the local cloud can run. */
export class UnsupportedRuntimeError extends Error {
  constructor(functionName: string, runtime: string, supported: readonly string[]) {
    super(
      `Function ${functionName} uses runtime ${runtime}; the local cloud runs only ${supported.join(', ')} ` +
        '(it executes the bundled JavaScript in worker threads of its own Node.js).',
    );
    this.name = 'UnsupportedRuntimeError';
  }
}

/** A function spec Lambda would not accept, or one using a feature the local runtime does not provide. */
export class InvalidFunctionConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFunctionConfigurationError';
  }
}

/** The runtime was stopped; no more invocations are accepted. */
export class LambdaRuntimeStoppedError extends Error {
  constructor() {
    super('The local Lambda runtime has been stopped');
    this.name = 'LambdaRuntimeStoppedError';
  }
}
