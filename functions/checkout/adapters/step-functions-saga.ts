/** The checkout saga on Step Functions (CHECKOUT_STATE_MACHINE_ARN). */
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws/step-functions-client.js';
import { executionHistory, executionStatus } from '../../../shared/aws/step-functions-executions.js';
import { requiredEnv, stateMachineEnv } from '../../../shared/environment.js';
import type { CheckoutSaga, SagaExecutionStatus } from '../ports/checkouts.js';

export function stepFunctionsCheckoutSaga(): CheckoutSaga {
  return {
    async start(input) {
      const stateMachineArn = requiredEnv(stateMachineEnv('CHECKOUT'));
      try {
        const { executionArn } = await stepFunctions().send(
          new StartExecutionCommand({
            stateMachineArn,
            // Named after the checkout: Step Functions then refuses a second saga for the same checkout.
            name: input.checkoutId,
            input: JSON.stringify(input),
          }),
        );
        if (!executionArn) throw new Error(`StartExecution returned no executionArn for ${input.checkoutId}`);
        return { executionArn };
      } catch (error) {
        // A running execution with the same input is answered as if started now; a closed one, or one started with
        // another correlation ID, is refused. Either way this checkout's saga exists.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        return { executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.checkoutId}` };
      }
    },

    status: async (executionArn) => (await executionStatus(executionArn)) as SagaExecutionStatus | undefined,

    history: executionHistory,
  };
}
