/**
 * Step Functions' callback faults (`faults/fault-plan.ts`), injected where a worker answers or heartbeats a task
 * token. Decided per task state and saga (`<state>|<correlationId>`), from the input of the task waiting on the token.
 *
 * - `stepfunctions.answerLost`: the answer is applied, then the caller gets a 500; the SDK retries and meets
 *   `TaskTimedOut`, which is what any second answer to a token gets.
 * - `stepfunctions.lateAnswer`: the answer is held until the task gave up on the token (its heartbeat or timeout
 *   fired), then applied: `TaskTimedOut`. A caller whose own timeout is shorter dies waiting, as it would on AWS.
 * - `stepfunctions.workerDies`: the heartbeat is taken, then the invocation that sent it is killed (found by its trace
 *   ID); nothing answers until SQS redelivers the command.
 */
import { AwsServiceError, type JsonCallContext, type JsonProtocolApi } from '../aws-protocol.js';
import { type FaultInjector, type FaultKind, sagaScopeOf } from '../faults/fault-plan.js';
import type { LocalStepFunctions } from './local-stepfunctions.js';

/** The longest an answer is held for `lateAnswer`: a task without a heartbeat or timeout would hold it for ever. */
const LATE_ANSWER_LIMIT_MS = 120_000;

type Operation = JsonProtocolApi['operations'][string];

export function withCallbackFaults(
  api: JsonProtocolApi,
  service: Pick<LocalStepFunctions, 'callbackTask' | 'whenTaskTokenClosed'>,
  faults: FaultInjector,
): JsonProtocolApi {
  /** Whether to inject `kind` into this call on `token`; only tokens of a saga's open task can meet one. */
  const injects = (kind: FaultKind, token: unknown): boolean => {
    if (typeof token !== 'string') return false;
    const task = service.callbackTask(token);
    const saga = task ? sagaScopeOf(JSON.stringify(task.input)) : undefined;
    return task !== undefined && saga !== undefined && faults.shouldInject(kind, `${task.state}|${saga}`);
  };

  const answer =
    (operation: Operation): Operation =>
    async (input, context) => {
      const token = input.taskToken;
      if (injects('stepfunctions.lateAnswer', token)) {
        await Promise.race([
          service.whenTaskTokenClosed(String(token)),
          new Promise((resolve) => setTimeout(resolve, LATE_ANSWER_LIMIT_MS).unref()),
        ]);
        return operation(input, context);
      }
      const lost = injects('stepfunctions.answerLost', token);
      const result = await operation(input, context);
      if (lost) throw new AwsServiceError('InternalFailure', 'The answer was lost (injected fault)', 500);
      return result;
    };

  const heartbeat =
    (operation: Operation): Operation =>
    async (input, context?: JsonCallContext) => {
      const dies = injects('stepfunctions.workerDies', input.taskToken);
      const result = await operation(input, context);
      if (dies) faults.invocationOfRequest(context?.headers?.['x-amzn-trace-id'])?.kill?.();
      return result;
    };

  const { SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat } = api.operations;
  if (!SendTaskSuccess || !SendTaskFailure || !SendTaskHeartbeat) {
    throw new Error('The Step Functions API lacks the callback operations');
  }
  return {
    ...api,
    operations: {
      ...api.operations,
      SendTaskSuccess: answer(SendTaskSuccess),
      SendTaskFailure: answer(SendTaskFailure),
      SendTaskHeartbeat: heartbeat(SendTaskHeartbeat),
    },
  };
}
