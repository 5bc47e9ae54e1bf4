/** Step Functions for the local cloud. */
export { stepFunctionsApi } from './api.js';
export { withCallbackFaults } from './callback-faults.js';
export { InvalidAslDefinitionError, InvalidStateMachineConfigError, UnsupportedAslFeatureError } from './errors.js';
export {
  LocalStepFunctions,
  type LocalStepFunctionsOptions,
  type StartExecutionRequest,
  type StateMachineDescription,
} from './local-stepfunctions.js';
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
