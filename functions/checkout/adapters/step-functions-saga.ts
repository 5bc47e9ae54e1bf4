/** The checkout saga on Step Functions (CHECKOUT_STATE_MACHINE_ARN). */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws/step-functions-client.js';
import { executionHistory, executionStatus } from '../../../shared/aws/step-functions-executions.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import type { CheckoutSaga, SagaExecutionStatus } from '../ports/checkouts.js';

export function stepFunctionsCheckoutSaga(): CheckoutSaga {
  return {
    async start(input) {
      const { executionArn } = await stepFunctions().send(
        new StartExecutionCommand({
          stateMachineArn: requiredEnv('CHECKOUT_STATE_MACHINE_ARN'),
          // Named after the checkout: Step Functions then refuses a second saga for the same checkout.
          name: input.checkoutId,
          input: JSON.stringify(input),
        }),
      );
      if (!executionArn) throw new Error(`StartExecution returned no executionArn for ${input.checkoutId}`);
      return { executionArn };
    },

    status: async (executionArn) => (await executionStatus(executionArn)) as SagaExecutionStatus | undefined,

    history: executionHistory,
  };
}
