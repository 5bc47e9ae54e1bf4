import { CreateOrderCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { createOrder } from '../../use-cases/create-order.js';

export const handler = sagaStep({ command: CreateOrderCommand, key: 'checkoutId' }, (command) =>
  createOrder(command, { orders: dynamoOrders() }),
);
