/** POST /orders/{orderId}/refunds (support, admin): refunds part or all of an order's payment; 201 with the refund. */
import { eventBridgePublisher } from '../../../../shared/aws/event-publisher.js';
import { OrderPath, RefundBody } from '../../../../shared/contracts/checkout-api.js';
import { apiCommand } from '../../../../shared/http/api-command.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { dynamoPayments } from '../../adapters/dynamo-payments.js';
import { simulatedPaymentGateway } from '../../adapters/simulated-payment-gateway.js';
import { requestRefund } from '../../use-cases/request-refund.js';

export const handler = apiCommand(
  { path: OrderPath, body: RefundBody, roles: ['support', 'admin'], status: 201 },
  ({ path, body, principal, idempotencyKey, correlationId }) =>
    requestRefund(
      { orderId: path.orderId, amountCents: body.amountCents, idempotencyKey, principal, correlationId },
      {
        orders: dynamoOrders(),
        payments: dynamoPayments(),
        gateway: simulatedPaymentGateway(),
        events: eventBridgePublisher(),
      },
    ),
);
