/** POST /checkouts: starts a checkout saga for one of the caller's carts; 202 with the checkout's location. */
import { StartCheckoutBody } from '../../../../shared/contracts/checkout-api.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCartLookup } from '../../adapters/dynamo-cart-lookup.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { stepFunctionsCheckoutSaga } from '../../adapters/step-functions-saga.js';
import { idempotentStartCheckout } from '../../use-cases/start-checkout.js';

const startCheckoutOnce = idempotentStartCheckout(() => ({
  carts: dynamoCartLookup(),
  checkouts: dynamoCheckouts(),
  saga: stepFunctionsCheckoutSaga(),
}));

export const handler = apiHandler(
  { body: StartCheckoutBody, requireIdempotencyKey: true },
  async ({ body, principal, idempotencyKey, correlationId, context }) => {
    startCheckoutOnce.registerContext(context);
    const accepted = await startCheckoutOnce({
      // Present: apiHandler refuses the request without it (requireIdempotencyKey).
      idempotencyKey: `${principal.sub}:${idempotencyKey}`,
      customerId: principal.sub,
      tenantId: principal.tenant,
      correlationId,
      body,
    });
    return { statusCode: 202, body: accepted, headers: { Location: `/checkouts/${accepted.checkoutId}` } };
  },
);
