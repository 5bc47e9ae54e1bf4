import { OrderPath } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { kmsPersonalDataCipher } from '../../adapters/kms-personal-data-cipher.js';
import { getOrder } from '../../use-cases/get-order.js';

const cipher = kmsPersonalDataCipher();

/**
 * GET /orders/{orderId}: for the order's customer, with its shipping address and contact, or for support and admins
 * of the same tenant, without them.
 */
export const handler = apiHandler({ path: OrderPath }, async ({ path, principal }) => ({
  statusCode: 200,
  body: await getOrder(path.orderId, principal, { orders: dynamoOrders(), checkouts: dynamoCheckouts(), cipher }),
}));
