/**
 * The `states:startExecution` integration: a Task that starts an execution of another state machine of this Step
 * Functions, and with `.sync` / `.sync:2` waits for it as AWS's "run a job" pattern does. Shaped like AWS:
 * - the request takes `StateMachineArn`, `Input` (a JSON value, or JSON text passed as it is) and `Name`;
 * - the plain and `.waitForTaskToken` patterns answer `{ ExecutionArn, StartDate }` once the child started;
 * - `.sync` answers the child's description (PascalCase, dates in epoch milliseconds) with `Output` as JSON text,
 *   `.sync:2` with `Input` and `Output` parsed; a child that does not succeed fails the Task with
 *   `States.TaskFailed`, its description as the cause;
 * - a parent Task that ends first (stopped, timed out) stops its running child.
 */
import { StatesRuntimeError, TaskFailedError } from './errors.js';
import type { TaskRoute } from './resources.js';
import type { ExecutionRecord } from './types.js';

/** What the integration needs from its Step Functions. */
export interface NestedExecutions {
  /** StartExecution; throws the `AwsServiceError` the API would. */
  start(request: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: number;
  };
  /** Resolves with the execution's record once it is closed. */
  whenClosed(executionArn: string): Promise<ExecutionRecord>;
  /** StopExecution of a running execution; nothing for a closed one. */
  stop(executionArn: string, request: { error?: string; cause?: string }): Promise<void>;
}

/** The Task's answer once the child started (`requestResponse`, `waitForTaskToken`, and `.sync`'s TaskSubmitted). */
export interface NestedExecutionStarted {
  ExecutionArn: string;
  StartDate: number;
}

export type NestedExecutionRequest = Parameters<NestedExecutions['start']>[0];

/** The StartExecution request in an attempt's resolved Parameters; a malformed one is the definition's fault. */
export function nestedExecutionRequest(parameters: unknown): NestedExecutionRequest {
  const fields = typeof parameters === 'object' && parameters !== null ? (parameters as Record<string, unknown>) : {};
  const { StateMachineArn, Input, Name } = fields;
  if (typeof StateMachineArn !== 'string') {
    throw new StatesRuntimeError('states:startExecution needs Parameters with a StateMachineArn string');
  }
  if (Name !== undefined && typeof Name !== 'string') {
    throw new StatesRuntimeError('states:startExecution Name must be a string');
  }
  const input = Input === undefined ? undefined : typeof Input === 'string' ? Input : JSON.stringify(Input);
  return { stateMachineArn: StateMachineArn, ...(Name === undefined ? {} : { name: Name }), input };
}

export function startNestedExecution(
  request: NestedExecutionRequest,
  nested: NestedExecutions,
): NestedExecutionStarted {
  const started = nested.start(request);
  return { ExecutionArn: started.executionArn, StartDate: started.startDate };
}

/** `.sync`: waits for the child and answers its description, or fails the Task as AWS does. */
export async function awaitNestedExecution(
  route: TaskRoute,
  started: NestedExecutionStarted,
  nested: NestedExecutions,
): Promise<unknown> {
  const record = await nested.whenClosed(started.ExecutionArn);
  const description = describedChild(record, route.syncVersion ?? 1);
  if (record.status === 'SUCCEEDED') return description;
  throw new TaskFailedError('States.TaskFailed', JSON.stringify(description));
}

function describedChild(record: ExecutionRecord, version: 1 | 2): Record<string, unknown> {
  const parsed = (text: string | undefined) => (version === 2 && text !== undefined ? JSON.parse(text) : text);
  return {
    ExecutionArn: record.executionArn,
    Input: parsed(record.input),
    InputDetails: { Included: true },
    Name: record.name,
    ...(record.output === undefined ? {} : { Output: parsed(record.output), OutputDetails: { Included: true } }),
    StartDate: record.startDate,
    StateMachineArn: record.stateMachineArn,
    Status: record.status,
    ...(record.stopDate === undefined ? {} : { StopDate: record.stopDate }),
    ...(record.error === undefined ? {} : { Error: record.error }),
    ...(record.cause === undefined ? {} : { Cause: record.cause }),
  };
}
