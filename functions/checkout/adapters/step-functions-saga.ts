/** The checkout saga on Step Functions (CHECKOUT_STATE_MACHINE_ARN). */
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { stepFunctions } from '../../../shared/aws/clients.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import type { CheckoutSaga, SagaExecutionStatus } from '../ports/checkouts.js';

/**
 * A checkout saga's history is a few dozen events; the cap only guards against a runaway loop (each page holds up to
 * 1000 events).
 */
const MAX_HISTORY_PAGES = 20;

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

    async status(executionArn) {
      try {
        const { status } = await stepFunctions().send(new DescribeExecutionCommand({ executionArn }));
        return status as SagaExecutionStatus | undefined;
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
    },

    async history(executionArn) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      try {
        for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
          const response = await stepFunctions().send(
            new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken, includeExecutionData: false }),
          );
          events.push(...(response.events ?? []));
          nextToken = response.nextToken;
          if (!nextToken) break;
        }
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return [];
        throw error;
      }
      return events;
    },
  };
}
