/**
 * Task-token callbacks on Step Functions. The IAM side is `states:SendTaskSuccess`, `states:SendTaskFailure` and
 * `states:SendTaskHeartbeat` on the provisioning state machines (CDK `grantTaskResponse`).
 */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws/step-functions-client.js';
import type { TaskCallbackReceipt, TaskCallbacks } from '../ports/node-agent.js';

/**
 * Errors meaning the saga stopped waiting on the token: its heartbeat or timeout fired (`TaskTimedOut`), the token is
 * not one Step Functions issued or it has been answered and forgotten (`InvalidToken`), or the execution is gone
 * (`TaskDoesNotExist`). Read by `name`, which holds whichever copy of the SDK the bundle carries.
 */
const TASK_GONE_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Step Functions caps `cause` at 32768 characters. */
const MAX_CAUSE_LENGTH = 32_768;

export function stepFunctionsTaskCallbacks(): TaskCallbacks {
  const deliver = async (send: () => Promise<unknown>): Promise<TaskCallbackReceipt> => {
    try {
      await send();
      return 'DELIVERED';
    } catch (error) {
      if (error instanceof Error && TASK_GONE_ERRORS.has(error.name)) return 'TASK_GONE';
      throw error;
    }
  };
  return {
    heartbeat: (taskToken) => deliver(() => stepFunctions().send(new SendTaskHeartbeatCommand({ taskToken }))),
    succeed: (taskToken, output) =>
      deliver(() => stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))),
    fail: (taskToken, failure) =>
      deliver(() =>
        stepFunctions().send(
          new SendTaskFailureCommand({
            taskToken,
            error: failure.error,
            cause: failure.cause.slice(0, MAX_CAUSE_LENGTH),
          }),
        ),
      ),
  };
}
