import { ClearCartCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCarts } from '../../adapters/dynamo-carts.js';
import { clearCart } from '../../use-cases/clear-cart.js';

export const handler = sagaStep({ command: ClearCartCommand, key: 'checkoutId' }, (command) =>
  clearCart(command, { carts: dynamoCarts() }),
);
