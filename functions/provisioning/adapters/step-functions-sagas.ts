/**
 * The provisioning sagas on Step Functions (PROVISION_STATE_MACHINE_ARN, DEPROVISION_STATE_MACHINE_ARN). Executions
 * are named after the resource, so Step Functions itself refuses to run a saga twice for one resource.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws/step-functions-client.js';
import { executionHistory, executionStatus } from '../../../shared/aws/step-functions-executions.js';
import type { ProvisionSagaInput } from '../../../shared/contracts/provisioning-saga.js';
import { requiredEnv, stateMachineEnv } from '../../../shared/environment.js';
import { logger } from '../../../shared/powertools/index.js';
import { deprovisionExecutionName, provisionExecutionName } from '../domain/ids.js';
import type { ProvisioningSagas, SagaExecutionStatus } from '../ports/sagas.js';

/** `arn:aws:states:<region>:<account>:stateMachine:<name>` → `...:execution:<name>:<executionName>`. */
function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

const isNamed = (error: unknown, name: string) => error instanceof Error && error.name === name;

export function stepFunctionsProvisioningSagas(): ProvisioningSagas {
  const start = async (stateMachineArn: string, name: string, input: ProvisionSagaInput) => {
    try {
      const { executionArn } = await stepFunctions().send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      if (!executionArn) throw new Error(`StartExecution returned no executionArn for ${name}`);
      return { executionArn };
    } catch (error) {
      // Started before by this same request (a retry, or a repeat whose first answer was lost): that saga is the one.
      if (!isNamed(error, 'ExecutionAlreadyExists')) throw error;
      logger.info('The saga was started before; not starting it again', { executionName: name, srn: input.srn });
      return { executionArn: executionArnFor(stateMachineArn, name) };
    }
  };

  return {
    startProvision: (input) =>
      start(requiredEnv(stateMachineEnv('PROVISION')), provisionExecutionName(input.resourceId), input),

    startDeprovision: (input, attempt) =>
      start(requiredEnv(stateMachineEnv('DEPROVISION')), deprovisionExecutionName(input.resourceId, attempt), input),

    status: async (executionArn) => (await executionStatus(executionArn)) as SagaExecutionStatus | undefined,

    history: executionHistory,
  };
}
