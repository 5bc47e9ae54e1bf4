/** Step Functions for the local cloud. */
export { stepFunctionsApi } from './api.js';
export { withCallbackFaults } from './callback-faults.js';
/** @public The errors the service throws, for its callers to catch by class. */
export { InvalidAslDefinitionError, InvalidStateMachineConfigError, UnsupportedAslFeatureError } from './errors.js';
/** @public The types of `LocalStepFunctions`' requests and answers. */
export {
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StartExecutionRequest,
  type StateMachineDescription,
} from './local-stepfunctions.js';
/** @public The types of state machines, executions and their histories. */
export type {
  ExecutionRecord,
  ExecutionStatus,
  HistoryEvent,
  InvokeFunctionResult,
  LambdaFunctionError,
  StateMachineConfig,
  StateMachineType,
  TaskIntegrations,
} from './types.js';
