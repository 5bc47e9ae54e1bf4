import { ProcessPaymentCommand } from '../../../../shared/contracts/checkout-saga.js';
import { MetricUnit, metrics } from '../../../../shared/powertools/index.js';
import { sagaStep } from '../../../../shared/saga/saga-step.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { dynamoPayments } from '../../adapters/dynamo-payments.js';
import { simulatedPaymentGateway } from '../../adapters/simulated-payment-gateway.js';
import { processPayment } from '../../use-cases/process-payment.js';

export const handler = sagaStep({ command: ProcessPaymentCommand, key: 'checkoutId' }, (command) =>
  processPayment(command, {
    payments: dynamoPayments(),
    gateway: simulatedPaymentGateway(),
    metrics: { paymentDeclined: () => metrics.addMetric('PaymentDeclined', MetricUnit.Count, 1) },
    checkouts: dynamoCheckouts(),
  }),
);
