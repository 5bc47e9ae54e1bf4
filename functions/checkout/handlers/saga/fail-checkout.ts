/** Saga step FailCheckout: records the checkout FAILED and returns CheckoutFailed.v1 for the state machine. */
import { FailCheckoutCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { failCheckout } from '../../use-cases/fail-checkout.js';

export const handler = sagaStep({ command: FailCheckoutCommand, key: 'checkoutId' }, (command) =>
  failCheckout(command, { checkouts: dynamoCheckouts() }),
);
