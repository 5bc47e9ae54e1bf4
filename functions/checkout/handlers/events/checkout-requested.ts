/**
 * SQS consumer of CheckoutRequested.v1 envelopes: agents check out through the same use case as POST /checkouts.
 * A request that can never succeed (bad schema, unknown or foreign cart, empty cart, key reused with another body) is
 * logged with its reason and fails, so the queue's redrive moves it to the DLQ; transient failures are retried.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { CheckoutRequested } from '../../../../shared/contracts/events/checkout-events.js';
import { eventEnvelope } from '../../../../shared/contracts/events/define-event.js';
import { logger } from '../../../../shared/powertools/index.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { dynamoCartLookup } from '../../adapters/dynamo-cart-lookup.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { isRefusal, logRefusal, refusalsLogged } from '../../adapters/refused-messages.js';
import { stepFunctionsCheckoutSaga } from '../../adapters/step-functions-saga.js';
import { idempotentStartCheckout } from '../../use-cases/start-checkout.js';

const startCheckoutOnce = idempotentStartCheckout(() => ({
  carts: dynamoCartLookup(),
  checkouts: dynamoCheckouts(),
  saga: stepFunctionsCheckoutSaga(),
}));

const consumer = sqsEventConsumer(
  {
    message: refusalsLogged(eventEnvelope(CheckoutRequested.detail), 'Checkout request'),
    correlationIdOf: (event) => event.detail.metadata.correlationId,
  },
  async (event) => {
    const { idempotencyKey, customerId, tenantId, ...body } = event.detail.data;
    try {
      const accepted = await startCheckoutOnce({
        idempotencyKey: `${customerId}:${idempotencyKey}`,
        customerId,
        tenantId,
        correlationId: event.detail.metadata.correlationId,
        body,
      });
      logger.info('Checkout request accepted', { eventId: event.id, checkoutId: accepted.checkoutId });
    } catch (error) {
      if (isRefusal(error)) logRefusal('Checkout request', error, { eventId: event.id, cartId: body.cartId });
      throw error;
    }
  },
);

/** Registers the invocation with the start-checkout idempotency, so its in-progress records expire with it. */
export const handler = (event: SQSEvent, context: Context) => {
  startCheckoutOnce.registerContext(context);
  return consumer(event, context);
};
