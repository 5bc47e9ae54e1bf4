import { eventBridgePublisher } from '../../../../shared/aws/event-publisher.js';
import { RefundPaymentCommand } from '../../../../shared/contracts/checkout-saga.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { dynamoPayments } from '../../adapters/dynamo-payments.js';
import { simulatedPaymentGateway } from '../../adapters/simulated-payment-gateway.js';
import { refundPayment } from '../../use-cases/refund-payment.js';

/** Compensation of ProcessPayment. */
export const handler = sagaStep({ command: RefundPaymentCommand, key: 'checkoutId' }, (command) =>
  refundPayment(command, {
    payments: dynamoPayments(),
    orders: dynamoOrders(),
    gateway: simulatedPaymentGateway(),
    events: eventBridgePublisher(),
  }),
);
