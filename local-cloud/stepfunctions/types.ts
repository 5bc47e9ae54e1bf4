/**
 * Shapes shared by the Step Functions module: the resolved configuration the integrator hands in, the task
 * integrations it implements, and the execution records the API answers with.
 */

/** @public Part of the service's API (index.ts). */
export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** One state machine, with every CloudFormation intrinsic already resolved by the integrator. */
export interface StateMachineConfig {
  name: string;
  arn: string;
  /** The parsed Amazon States Language definition (JSONPath only). */
  definition: Record<string, unknown>;
  type: StateMachineType;
  roleArn?: string;
  loggingConfiguration?: Record<string, unknown>;
  tracingEnabled?: boolean;
}

/** What a Lambda function reports when it throws, as the Lambda runtime serializes it. */
export interface LambdaFunctionError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

export type InvokeFunctionResult = ({ payload: unknown } | { error: LambdaFunctionError }) & LambdaInvocationMetadata;

/** What Lambda's Invoke response says besides the payload: Step Functions copies it into the Task's result. */
export interface LambdaInvocationMetadata {
  readonly requestId?: string;
  /** The invocation's X-Ray trace header, AWS's `X-Amzn-Trace-Id` response header. */
  readonly traceId?: string;
  /** Base64 of the last 4 KB of the invocation's log, when `LogType` was `Tail`. */
  readonly logResult?: string;
}

/** Invoke's request options a Task can set (`Parameters.LogType`). */
export interface LambdaInvokeOptions {
  readonly logType?: 'None' | 'Tail';
}

/** How Task states reach the rest of the local cloud. The integrator implements it. */
export interface TaskIntegrations {
  /** Synchronous Lambda invoke. Resolves with the function's result payload, or with an error when the function threw. */
  invokeFunction(functionArn: string, payload: unknown, options?: LambdaInvokeOptions): Promise<InvokeFunctionResult>;
  /**
   * An optimized or aws-sdk service integration, e.g. ('sqs', 'sendMessage', params) or ('events', 'putEvents', params).
   * Throws `{ name, message }` (or an `AwsServiceError`) like AWS on failure.
   */
  callService(service: string, action: string, parameters: Record<string, unknown>): Promise<unknown>;
  /**
   * Optional: whether `callService` can serve this service action. When present, `addStateMachine` refuses
   * definitions that use an action it cannot serve, so the gap shows at boot instead of mid-saga.
   */
  supportsService?(service: string, action: string): boolean;
  /**
   * Optional: refuses (throws an `AwsServiceError`) a call the state machine's role may not make, as AWS checks a
   * Task's call against the execution role. Absent: every call is allowed.
   */
  authorizeTask?(roleArn: string, call: TaskCall): Promise<void>;
}

/** What a Task calls, for `authorizeTask`. */
export type TaskCall =
  | { readonly kind: 'lambda'; readonly functionArn: string }
  | { readonly kind: 'service'; readonly service: string; readonly action: string; readonly parameters: unknown }
  | { readonly kind: 'startExecution'; readonly stateMachineArn: string };

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** The stored facts about one execution. Dates are epoch milliseconds; the API converts them. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  stateMachineType: StateMachineType;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
}

/** One entry of `GetExecutionHistory`, in the AWS wire shape (timestamp in epoch seconds). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [eventDetails: string]: unknown;
}
