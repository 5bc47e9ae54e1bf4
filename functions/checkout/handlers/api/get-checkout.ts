/** GET /checkouts/{checkoutId}: the caller's checkout, its outcome and the saga's steps. */
import * as z from 'zod';
import { Identifier } from '../../../../shared/contracts/common.js';
import { apiHandler } from '../../../../shared/http/api-handler.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { stepFunctionsCheckoutSaga } from '../../adapters/step-functions-saga.js';
import { getCheckout } from '../../use-cases/get-checkout.js';

export const handler = apiHandler({ path: z.object({ checkoutId: Identifier }) }, async ({ path, principal }) => ({
  statusCode: 200,
  body: await getCheckout(
    { checkoutId: path.checkoutId, principal },
    { checkouts: dynamoCheckouts(), saga: stepFunctionsCheckoutSaga() },
  ),
}));
