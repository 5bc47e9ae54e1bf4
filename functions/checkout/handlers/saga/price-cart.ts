import { PriceCartCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCarts } from '../../adapters/dynamo-carts.js';
import { dynamoCatalog } from '../../adapters/dynamo-catalog.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { priceCart } from '../../use-cases/price-cart.js';

export const handler = sagaStep({ command: PriceCartCommand, key: 'checkoutId' }, (command) =>
  priceCart(command, { carts: dynamoCarts(), catalog: dynamoCatalog(), checkouts: dynamoCheckouts() }),
);
