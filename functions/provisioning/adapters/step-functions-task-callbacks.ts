/**
 * Task-token callbacks on Step Functions. The IAM side is `states:SendTaskSuccess`, `states:SendTaskFailure` and
 * `states:SendTaskHeartbeat` on the provisioning state machines (CDK `grantTaskResponse`).
 */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws/step-functions-client.js';
import { DestroyedNode, ProvisionedNode } from '../../../shared/contracts/provisioning-worker.js';
import { ValidationError } from '../../../shared/errors.js';
import { zodIssues } from '../../../shared/http/zod-issues.js';
import type { TaskCallbackReceipt, TaskCallbacks } from '../ports/node-agent.js';

/**
 * Errors meaning the saga stopped waiting on the token: its heartbeat or timeout fired (`TaskTimedOut`), the token is
 * not one Step Functions issued or it has been answered and forgotten (`InvalidToken`), or the execution is gone
 * (`TaskDoesNotExist`). Read by `name`, which holds whichever copy of the SDK the bundle carries.
 */
const TASK_GONE_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

/** Step Functions caps `error` at 256 characters and `cause` at 32768, and refuses longer ones. */
const MAX_ERROR_LENGTH = 256;
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
    succeed: (taskToken, output) => {
      // Step Functions takes any JSON, and the saga would carry a wrong answer on: never send one. The refusal
      // dead-letters the command with the reason; the saga's heartbeat then gives up on the task, and it compensates.
      const contract =
        typeof output === 'object' && output !== null && 'destroyed' in output ? DestroyedNode : ProvisionedNode;
      const checked = contract.safeParse(output);
      if (!checked.success) {
        const issues = zodIssues(checked.error);
        return Promise.reject(new ValidationError('The node agent’s answer does not match its contract', issues));
      }
      return deliver(() =>
        stepFunctions().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(checked.data) })),
      );
    },
    fail: (taskToken, failure) =>
      deliver(() =>
        stepFunctions().send(
          new SendTaskFailureCommand({
            taskToken,
            error: failure.error.slice(0, MAX_ERROR_LENGTH),
            cause: failure.cause.slice(0, MAX_CAUSE_LENGTH),
          }),
        ),
      ),
  };
}
