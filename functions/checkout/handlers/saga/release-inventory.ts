import { ReleaseInventoryCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoInventory } from '../../adapters/dynamo-inventory.js';
import { releaseInventory } from '../../use-cases/release-inventory.js';

/** Compensation of ReserveInventory. */
export const handler = sagaStep({ command: ReleaseInventoryCommand, key: 'checkoutId' }, (command) =>
  releaseInventory(command, { inventory: dynamoInventory() }),
);
