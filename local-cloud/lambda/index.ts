/** The local Lambda service: runtime, REST API listener and SQS event source mappings. */
export { lambdaApiListener } from './api.js';
/** @public The errors the service throws, for its callers to catch by class. */
export {
  InvalidFunctionConfigurationError,
  LambdaRequestError,
  LambdaResourceNotFoundError,
  LambdaRuntimeStoppedError,
  LambdaThrottledError,
  UnsupportedRuntimeError,
} from './errors.js';
export { createLambdaRuntime } from './runtime.js';
/** @public The types of a mapping's options and of one poll, for callers wiring their own queues. */
export {
  DEFAULT_POLLERS,
  type EventSourceQueue,
  type PollRequest,
  pollerReceiveRequest,
  type SqsEventSourceMappingOptions,
  sdkEventSourceQueue,
  startSqsEventSourceMapping,
} from './sqs-event-source.js';
/** @public The types of the runtime's options, invocations and answers. */
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
  LogType,
} from './types.js';
