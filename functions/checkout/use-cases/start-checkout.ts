/**
 * Starts a checkout: the one path behind `POST /checkouts` and the `CheckoutRequested.v1` event, so both entries
 * apply the same rules. The caller has parsed the body with its schema; this checks the cart, records the checkout
 * and starts its saga.
 */
import type { z } from 'zod';
import type { CheckoutAccepted, StartCheckoutBody } from '../../../shared/contracts/checkout-api.js';
import type { CheckoutSagaInput } from '../../../shared/contracts/checkout-saga.js';
import { InvalidCartError, NotFoundError, TransientError } from '../../../shared/errors.js';
import { type IdempotentCommand, idempotentCommand } from '../../../shared/idempotency.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { newCheckoutId, RANDOM_LENGTH } from '../domain/checkout-id.js';
import type { CartLookup } from '../ports/cart-lookup.js';
import { type CheckoutSaga, type Checkouts, type Clock, systemClock } from '../ports/checkouts.js';

export interface StartCheckoutRequest {
  /**
   * The client's idempotency key scoped to the customer: `<sub>:<Idempotency-Key>` from the API,
   * `<customerId>:<data.idempotencyKey>` from the event. Two customers may pick the same key.
   */
  readonly idempotencyKey: string;
  readonly customerId: string;
  readonly tenantId: string;
  readonly correlationId: string;
  /** What must be identical when the key is repeated. */
  readonly body: StartCheckoutBody;
}

export type StartCheckoutResult = z.infer<typeof CheckoutAccepted> & { status: 'RUNNING' };

export interface StartCheckoutPorts {
  readonly carts: CartLookup;
  readonly checkouts: Checkouts;
  readonly saga: CheckoutSaga;
  readonly clock?: Clock;
  readonly randomBytes?: (length: number) => Uint8Array;
}

const cryptoRandomBytes = (length: number): Uint8Array => crypto.getRandomValues(new Uint8Array(length));

export async function startCheckout(
  request: StartCheckoutRequest,
  ports: StartCheckoutPorts,
): Promise<StartCheckoutResult> {
  const { body, customerId, tenantId } = request;
  const cart = await ports.carts.find(body.cartId);
  // Someone else's cart is "not found" rather than "forbidden", so cart ids of other customers do not leak.
  if (!cart || cart.ownerSub !== customerId || cart.tenantId !== tenantId) throw new NotFoundError('Cart', body.cartId);
  if (cart.lineCount === 0) throw new InvalidCartError(`Cart ${body.cartId} is empty`, { cartId: body.cartId });

  const now = (ports.clock ?? systemClock)();
  const checkoutId = newCheckoutId(now.getTime(), (ports.randomBytes ?? cryptoRandomBytes)(RANDOM_LENGTH));
  const requestedAt = now.toISOString();
  await ports.checkouts.create({ checkoutId, customerId, tenantId, cartId: body.cartId, createdAt: requestedAt });

  const sagaInput: CheckoutSagaInput = {
    checkoutId,
    correlationId: request.correlationId,
    customerId,
    tenantId,
    cartId: body.cartId,
    paymentToken: body.paymentToken,
    shippingAddress: body.shippingAddress,
    ...(body.discountCode === undefined ? {} : { discountCode: body.discountCode }),
    requestedAt,
  };
  let executionArn: string;
  try {
    ({ executionArn } = await ports.saga.start(sagaInput));
  } catch (cause) {
    // The record stays RUNNING: if the saga did start despite the error, its last step records the outcome. Nobody
    // else knows this checkout id, and the client retries with the same key, which starts a fresh checkout.
    logger.error('The checkout saga could not be started', { checkoutId, error: cause as Error });
    throw new TransientError('The checkout could not be started; please retry', { cause });
  }

  try {
    await ports.checkouts.attachExecution(checkoutId, executionArn, requestedAt);
  } catch (error) {
    // The saga runs and will record its outcome; failing now would make the client retry and start a second saga
    // for the same cart. Only the step list of GET /checkouts/{id} is lost.
    logger.error('The execution ARN could not be stored on the checkout', {
      checkoutId,
      executionArn,
      error: error as Error,
    });
  }

  metrics.addMetric('CheckoutStarted', MetricUnit.Count, 1);
  logger.info('Checkout started', { checkoutId, executionArn, cartId: body.cartId });
  return { checkoutId, status: 'RUNNING' };
}

/**
 * `startCheckout` run once per idempotency key: a repeat with the same body gets the first checkout id back; a repeat
 * with another body fails with Powertools' `IdempotencyValidationError` (409 IDEMPOTENCY_KEY_REUSED on the API).
 * Ports are built on first use so that importing a handler needs no environment.
 */
export function idempotentStartCheckout(
  ports: () => StartCheckoutPorts,
): IdempotentCommand<StartCheckoutRequest, StartCheckoutResult> {
  return idempotentCommand((request: StartCheckoutRequest) => startCheckout(request, ports()), {
    keyPath: 'idempotencyKey',
    payloadPath: 'body',
  });
}
