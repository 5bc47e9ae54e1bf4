/** What the node agent needs from the outside world: a way to answer the saga's task token, and time passing. */
import type { DestroyedNode, ProvisionedNode } from '../../../shared/contracts/provisioning-worker.js';

/**
 * `DELIVERED`: Step Functions took the call. `TASK_GONE`: the saga no longer waits on this token (it timed out, or
 * the token is unknown), so there is nobody left to answer and retrying cannot help.
 */
export type TaskCallbackReceipt = 'DELIVERED' | 'TASK_GONE';

/** Answers a `.waitForTaskToken` task. Any other failure is thrown: the message is retried. */
export interface TaskCallbacks {
  heartbeat(taskToken: string): Promise<TaskCallbackReceipt>;
  succeed(taskToken: string, output: ProvisionedNode | DestroyedNode): Promise<TaskCallbackReceipt>;
  fail(taskToken: string, failure: { error: string; cause: string }): Promise<TaskCallbackReceipt>;
}

export interface Timer {
  sleep(ms: number): Promise<void>;
}
