import { eventBridgePublisher } from '../../../../shared/aws/event-publisher.js';
import { OrderPath, RefundBody } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { idempotentCommand } from '../../../../shared/idempotency.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { dynamoPayments } from '../../adapters/dynamo-payments.js';
import { simulatedPaymentGateway } from '../../adapters/simulated-payment-gateway.js';
import { requestedRefundIdFor } from '../../domain/ids.js';
import { type RequestRefundCommand, requestRefund } from '../../use-cases/request-refund.js';

/**
 * Idempotent per caller and Idempotency-Key: a repeat answers the first result; the same key with another order or
 * body is refused (409 IDEMPOTENCY_KEY_REUSED).
 */
const refundOnce = idempotentCommand(
  (input: { idempotencyKey: string; payload: { orderId: string; body: RefundBody }; command: RequestRefundCommand }) =>
    requestRefund(input.command, {
      orders: dynamoOrders(),
      payments: dynamoPayments(),
      gateway: simulatedPaymentGateway(),
      events: eventBridgePublisher(),
    }),
  { keyPath: 'idempotencyKey', payloadPath: 'payload' },
);

/** POST /orders/{orderId}/refunds (support, admin) */
export const handler = apiHandler(
  { path: OrderPath, body: RefundBody, roles: ['support', 'admin'], requireIdempotencyKey: true },
  async ({ path, body, principal, idempotencyKey, correlationId, context }) => {
    const key = idempotencyKey as string;
    refundOnce.registerContext(context);
    const refund = await refundOnce({
      idempotencyKey: `${principal.sub}#${key}`,
      payload: { orderId: path.orderId, body },
      command: {
        orderId: path.orderId,
        amountCents: body.amountCents,
        refundId: requestedRefundIdFor(principal.sub, key),
        principal,
        correlationId,
      },
    });
    return { statusCode: 201, body: refund };
  },
);
