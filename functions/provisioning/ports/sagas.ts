/** The provisioning and deprovisioning sagas (Standard workflows). */
import type { DeprovisionSagaInput, ProvisionSagaInput } from '../../../shared/contracts/provisioning-saga.js';
import type { SagaExecutionStatus } from '../../../shared/saga/execution-status.js';
import type { ExecutionHistoryEvent } from '../../../shared/saga/execution-steps.js';

// Defined once in shared/saga; named here too because the Step Functions adapter narrows the SDK's status to it.
export type { SagaExecutionStatus };

export interface ProvisioningSagas {
  /**
   * Starts the provision saga as an execution named after the resource. An execution of that name that exists
   * already is the one this request started before: its ARN is answered, and no second saga runs.
   */
  startProvision(input: ProvisionSagaInput): Promise<{ executionArn: string }>;
  /** The same for the deprovision saga of deletion attempt `attempt` (`deprovisionExecutionName`). */
  startDeprovision(input: DeprovisionSagaInput, attempt: number): Promise<{ executionArn: string }>;
  /** `undefined` when the execution does not exist. */
  status(executionArn: string): Promise<SagaExecutionStatus | undefined>;
  /** Every history event, oldest first; empty when the execution does not exist. */
  history(executionArn: string): Promise<ExecutionHistoryEvent[]>;
}
