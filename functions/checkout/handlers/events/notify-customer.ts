/** SQS consumer of OrderPlaced.v1, CheckoutFailed.v1 and RefundIssued.v1 envelopes: notifies the customer. */
import { NotifiableEventEnvelope } from '../../../../shared/contracts/events/notifiable-events.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { dynamoOrders } from '../../adapters/dynamo-orders.js';
import { kmsPersonalDataCipher } from '../../adapters/kms-personal-data-cipher.js';
import { loggingChannels } from '../../adapters/logging-channels.js';
import { refusalsLogged } from '../../adapters/refused-messages.js';
import { notifyCustomer } from '../../use-cases/notify-customer.js';

const cipher = kmsPersonalDataCipher();

export const handler = sqsEventConsumer(
  {
    // An unknown detail-type does not parse: the record fails and the queue dead-letters it.
    message: refusalsLogged(NotifiableEventEnvelope, 'Notification event'),
    correlationIdOf: (event) => event.detail.metadata.correlationId,
  },
  async (event) => {
    await notifyCustomer(event, {
      channels: loggingChannels(),
      orders: dynamoOrders(),
      checkouts: dynamoCheckouts(),
      cipher,
    });
  },
);
