/** POST /checkouts: starts a checkout saga for one of the caller's carts; 202 with the checkout's location. */
import { StartCheckoutBody } from '../../../../shared/contracts/checkout-api.js';
import { apiCommand } from '../../../../shared/http/api-command.js';
import { dynamoCartLookup } from '../../adapters/dynamo-cart-lookup.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { kmsPersonalDataCipher } from '../../adapters/kms-personal-data-cipher.js';
import { stepFunctionsCheckoutSaga } from '../../adapters/step-functions-saga.js';
import { startCheckout } from '../../use-cases/start-checkout.js';

const cipher = kmsPersonalDataCipher();

export const handler = apiCommand(
  { body: StartCheckoutBody, status: 202, location: '/checkouts/{checkoutId}' },
  ({ body, principal, idempotencyKey, correlationId }) =>
    startCheckout(
      {
        // The checkout id derives from the customer and their key (ADR 0014), exactly as from CheckoutRequested.v1.
        idempotencyKey: `${principal.sub}:${idempotencyKey}`,
        customerId: principal.sub,
        tenantId: principal.tenant,
        correlationId,
        body,
      },
      { carts: dynamoCartLookup(), checkouts: dynamoCheckouts(), saga: stepFunctionsCheckoutSaga(), cipher },
    ),
);
