import { CancelOrderCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { cancelOrder } from '../../use-cases/cancel-order.js';

/** Compensation of CreateOrder. */
export const handler = sagaStep({ command: CancelOrderCommand, key: 'checkoutId' }, (command) =>
  cancelOrder(command, { orders: dynamoOrders() }),
);
