import { OrderPath } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { getOrder } from '../../use-cases/get-order.js';

/** GET /orders/{orderId}: for the order's customer, or support and admins of the same tenant. */
export const handler = apiHandler({ path: OrderPath }, async ({ path, principal }) => ({
  statusCode: 200,
  body: await getOrder(path.orderId, principal, { orders: dynamoOrders() }),
}));
