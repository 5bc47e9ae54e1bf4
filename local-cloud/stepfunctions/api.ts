/** The `AWSStepFunctions` JSON 1.0 wire protocol over `LocalStepFunctions`: request members in, AWS shapes out. */
import { AwsServiceError, type JsonProtocolApi, requireString } from '../aws-protocol.js';
import { controlPlaneOperations } from './control-plane.js';
import type { LocalStepFunctions, StartExecutionRequest, StateMachineDescription } from './local-stepfunctions.js';
import type { ExecutionRecord, ExecutionStatus } from './types.js';
import { optionalString, seconds, unsupported } from './wire.js';

const EXECUTION_STATUSES = new Set<ExecutionStatus>(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

type Input = Record<string, unknown>;

/** The `AWSStepFunctions` JSON 1.0 API of `service`, for the edge (`jsonApiListener`) and in-process callers. */
export function stepFunctionsApi(service: LocalStepFunctions): JsonProtocolApi {
  return {
    targetPrefix: 'AWSStepFunctions',
    contentType: 'application/x-amz-json-1.0',
    operations: {
      ...controlPlaneOperations(service),
      StartExecution: async (input) => {
        const started = service.startExecution(startRequest(input));
        return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
      },
      StartSyncExecution: async (input) => {
        const record = await service.startSyncExecution(startRequest(input));
        return {
          ...describeExecution(record),
          // A sync execution reports SUCCEEDED, FAILED or TIMED_OUT; one stopped by the local cloud counts as failed.
          status: record.status === 'ABORTED' ? 'FAILED' : record.status,
          billingDetails: {
            billedMemoryUsedInMB: 64,
            billedDurationInMilliseconds: (record.stopDate ?? 0) - record.startDate,
          },
        };
      },
      DescribeExecution: async (input) =>
        describeExecution(service.describeExecution(requireString(input, 'executionArn'))),
      ListExecutions: async (input) => {
        if (input.mapRunArn !== undefined) throw unsupported('ListExecutions by mapRunArn (distributed Map)');
        if (input.redriveFilter !== undefined) throw unsupported('ListExecutions by redriveFilter (redrive)');
        const statusFilter = optionalString(input, 'statusFilter');
        if (statusFilter !== undefined && !EXECUTION_STATUSES.has(statusFilter as ExecutionStatus)) {
          throw new AwsServiceError('ValidationException', `statusFilter '${statusFilter}' is not a valid status`);
        }
        const listed = service.listExecutions({
          stateMachineArn: requireString(input, 'stateMachineArn'),
          statusFilter: statusFilter as ExecutionStatus | undefined,
          maxResults: optionalNumber(input, 'maxResults'),
          nextToken: optionalString(input, 'nextToken'),
        });
        return { executions: listed.executions.map(listItem), nextToken: listed.nextToken };
      },
      GetExecutionHistory: async (input) =>
        service.getExecutionHistory(requireString(input, 'executionArn'), {
          reverseOrder: optionalBoolean(input, 'reverseOrder'),
          maxResults: optionalNumber(input, 'maxResults'),
          nextToken: optionalString(input, 'nextToken'),
          includeExecutionData: optionalBoolean(input, 'includeExecutionData'),
        }),
      StopExecution: async (input) => {
        const stopped = await service.stopExecution({
          executionArn: requireString(input, 'executionArn'),
          error: optionalString(input, 'error'),
          cause: optionalString(input, 'cause'),
        });
        return { stopDate: seconds(stopped.stopDate) };
      },
      // The callbacks' members are held to AWS's length constraints before the token is even looked at, so a refused
      // call changes nothing: the task still waits for a proper answer.
      SendTaskSuccess: async (input) => {
        service.sendTaskSuccess(taskTokenOf(input), bounded(outputOf(input), 'output', MAX_OUTPUT_BYTES));
        return {};
      },
      SendTaskFailure: async (input) => {
        const error = optionalString(input, 'error');
        const cause = optionalString(input, 'cause');
        service.sendTaskFailure(
          taskTokenOf(input),
          error === undefined ? undefined : bounded(error, 'error', MAX_ERROR_LENGTH),
          cause === undefined ? undefined : bounded(cause, 'cause', MAX_CAUSE_LENGTH),
        );
        return {};
      },
      SendTaskHeartbeat: async (input) => {
        service.sendTaskHeartbeat(taskTokenOf(input));
        return {};
      },
      DescribeStateMachine: async (input) =>
        describeStateMachine(service.describeStateMachine(requireString(input, 'stateMachineArn'))),
      ListStateMachines: async (input) => {
        const listed = service.listStateMachines({
          maxResults: optionalNumber(input, 'maxResults'),
          nextToken: optionalString(input, 'nextToken'),
        });
        return {
          stateMachines: listed.stateMachines.map(({ stateMachineArn, name, type, creationDate }) => ({
            stateMachineArn,
            name,
            type,
            creationDate: seconds(creationDate),
          })),
          nextToken: listed.nextToken,
        };
      },
      DescribeStateMachineForExecution: async (input) => {
        const { stateMachineArn, name, definition, roleArn, creationDate, loggingConfiguration, tracingConfiguration } =
          service.describeStateMachineForExecution(requireString(input, 'executionArn'));
        return {
          stateMachineArn,
          name,
          definition,
          roleArn,
          updateDate: seconds(creationDate),
          loggingConfiguration,
          tracingConfiguration,
        };
      },
    },
  };
}

/** The API reference's length limits of the callback members: `output` in UTF-8 bytes, the others in characters. */
const MAX_TASK_TOKEN_LENGTH = 2048;
const MAX_OUTPUT_BYTES = 262_144;
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;

function taskTokenOf(input: Input): string {
  const token = requiredMember(input, 'taskToken');
  if (token.length === 0) {
    throw validationError('taskToken', 'Member must have length greater than or equal to 1');
  }
  if (token.length > MAX_TASK_TOKEN_LENGTH) throw tooLong('taskToken', MAX_TASK_TOKEN_LENGTH);
  return token;
}

/**
 * `output` as sent. The API reference gives it no minimum length, so an empty `output` passes validation and is then
 * refused as what it is, output that is not JSON (`InvalidOutput`), rather than as a missing member.
 */
function outputOf(input: Input): string {
  return requiredMember(input, 'output');
}

/** A required string member, possibly empty; AWS's "must not be null" ValidationException when absent. */
function requiredMember(input: Input, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined) {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** `value` if it is within `max` (UTF-8 bytes for `output`, characters otherwise); AWS's ValidationException if not. */
function bounded(value: string, member: string, max: number): string {
  const length = member === 'output' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (length > max) throw tooLong(member, max);
  return value;
}

/** Worded as AWS words a length constraint it refuses. */
function tooLong(member: string, max: number): AwsServiceError {
  return validationError(member, `Member must have length less than or equal to ${max}`);
}

function validationError(member: string, constraint: string): AwsServiceError {
  return new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

function startRequest(input: Input): StartExecutionRequest {
  return {
    stateMachineArn: requireString(input, 'stateMachineArn'),
    name: optionalString(input, 'name'),
    input: optionalString(input, 'input'),
  };
}

function describeExecution(record: ExecutionRecord): Record<string, unknown> {
  const closed = record.status !== 'RUNNING';
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    outputDetails: closed && record.output !== undefined ? { included: true } : undefined,
    error: record.error,
    cause: record.cause,
  };
}

function listItem(record: ExecutionRecord): Record<string, unknown> {
  const { executionArn, stateMachineArn, name, status, startDate, stopDate } = record;
  return {
    executionArn,
    stateMachineArn,
    name,
    status,
    startDate: seconds(startDate),
    stopDate: stopDate === undefined ? undefined : seconds(stopDate),
  };
}

function describeStateMachine(description: StateMachineDescription): Record<string, unknown> {
  return { ...description, creationDate: seconds(description.creationDate) };
}

function optionalNumber(input: Input, member: string): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new AwsServiceError('ValidationException', `${member} must be a number`);
  return value;
}

function optionalBoolean(input: Input, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new AwsServiceError('ValidationException', `${member} must be a boolean`);
  return value;
}
