/** Saga step CompleteCheckout: records the checkout COMPLETED and returns OrderPlaced.v1 for the state machine. */
import { CompleteCheckoutCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { completeCheckout } from '../../use-cases/complete-checkout.js';

export const handler = sagaStep({ command: CompleteCheckoutCommand, key: 'checkoutId' }, (command) =>
  completeCheckout(command, { checkouts: dynamoCheckouts() }),
);
