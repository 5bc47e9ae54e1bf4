/**
 * SQS consumer of CheckoutRequested.v1 envelopes: agents (service accounts, with their platform token) holding a
 * delegation proof check out through the same use case as POST /checkouts.
 */
import { platformTokenTrustFromEnv } from '../../../../shared/auth/platform-trust-from-env.js';
import { tokenTrustFromEnv } from '../../../../shared/auth/token-trust-from-env.js';
import { CheckoutRequested } from '../../../../shared/contracts/events/checkout-events.js';
import { eventEnvelope } from '../../../../shared/contracts/events/define-event.js';
import { sqsEventConsumer } from '../../../../shared/sqs/event-consumer.js';
import { dynamoCartLookup } from '../../adapters/dynamo-cart-lookup.js';
import { dynamoCheckouts } from '../../adapters/dynamo-checkouts.js';
import { jwtAgentProofs, platformAgentTokens } from '../../adapters/jwt-agent-proofs.js';
import { kmsPersonalDataCipher } from '../../adapters/kms-personal-data-cipher.js';
import { refusalsLogged } from '../../adapters/refused-messages.js';
import { stepFunctionsCheckoutSaga } from '../../adapters/step-functions-saga.js';
import { idempotentStartCheckout } from '../../use-cases/start-checkout.js';
import { startRequestedCheckout } from '../../use-cases/start-requested-checkout.js';

// The agent's request carries the address and contact in clear; they are sealed before anything is stored.
const cipher = kmsPersonalDataCipher();

const startCheckoutOnce = idempotentStartCheckout(() => ({
  carts: dynamoCartLookup(),
  checkouts: dynamoCheckouts(),
  saga: stepFunctionsCheckoutSaga(),
  cipher,
}));

const proofs = jwtAgentProofs(tokenTrustFromEnv());
// Built once per execution environment: it keeps the platform key's public half (one GetPublicKey per cold start).
const agentTokens = platformAgentTokens(platformTokenTrustFromEnv());

export const handler = sqsEventConsumer(
  {
    message: refusalsLogged(eventEnvelope(CheckoutRequested.detail), 'Checkout request'),
    correlationIdOf: (event) => event.detail.metadata.correlationId,
  },
  (event) => startRequestedCheckout(event, { proofs, agentTokens, startCheckout: startCheckoutOnce }),
  // Registers each invocation with the start-checkout idempotency too, so its in-progress records expire with it.
).before(({ context }) => startCheckoutOnce.registerContext(context));
