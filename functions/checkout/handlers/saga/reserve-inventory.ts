import { ReserveInventoryCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCatalog } from '../../adapters/dynamo-catalog.js';
import { dynamoInventory } from '../../adapters/dynamo-inventory.js';
import { reserveInventory } from '../../use-cases/reserve-inventory.js';

export const handler = sagaStep({ command: ReserveInventoryCommand, key: 'checkoutId' }, (command) =>
  reserveInventory(command, { inventory: dynamoInventory(), catalog: dynamoCatalog({ consistentRead: true }) }),
);
