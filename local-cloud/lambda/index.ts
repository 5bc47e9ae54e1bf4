/** The local Lambda service: runtime, REST API listener and SQS event source mappings. */
export { lambdaApiListener } from './api.js';
export {
  InvalidFunctionConfigurationError,
  LambdaRequestError,
  LambdaResourceNotFoundError,
  LambdaRuntimeStoppedError,
  LambdaThrottledError,
  UnsupportedRuntimeError,
} from './errors.js';
export { createLambdaRuntime } from './runtime.js';
export {
  DEFAULT_POLLERS,
  type EventSourceQueue,
  type PollRequest,
  pollerReceiveRequest,
  type SqsEventSourceMappingOptions,
  sdkEventSourceQueue,
  startSqsEventSourceMapping,
} from './sqs-event-source.js';
export type {
  FailedEventDetails,
  FunctionSpec,
  FunctionStats,
  InvocationType,
  InvokeOptions,
  InvokeResult,
  LambdaErrorPayload,
  LambdaRuntime,
  LambdaRuntimeOptions,
} from './types.js';
