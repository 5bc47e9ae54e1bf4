/**
 * Starts a checkout: the one path behind `POST /checkouts` and the `CheckoutRequested.v1` event, so both entries
 * apply the same rules. The caller has parsed the body with its schema; this checks the cart, records the checkout
 * and starts its saga.
 */
import type { z } from 'zod';
import type { CheckoutAccepted, StartCheckoutBody } from '../../../shared/contracts/checkout-api.js';
import type { CheckoutSagaInput } from '../../../shared/contracts/checkout-saga.js';
import { ConflictError, InvalidCartError, NotFoundError, TransientError } from '../../../shared/errors.js';
import { type IdempotentCommand, idempotentCommand } from '../../../shared/idempotency.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { checkoutIdFor } from '../domain/checkout-id.js';
import type { CartLookup } from '../ports/cart-lookup.js';
import { type CheckoutSaga, type Checkouts, type Clock, systemClock } from '../ports/checkouts.js';
import type { PersonalDataCipher } from '../ports/personal-data.js';

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

export type StartCheckoutResult = z.infer<typeof CheckoutAccepted>;

export interface StartCheckoutPorts {
  readonly carts: CartLookup;
  readonly checkouts: Checkouts;
  readonly saga: CheckoutSaga;
  /** Seals the address and contact before anything is stored. */
  readonly cipher: PersonalDataCipher;
  readonly clock?: Clock;
}

export async function startCheckout(
  request: StartCheckoutRequest,
  ports: StartCheckoutPorts,
): Promise<StartCheckoutResult> {
  const { body, customerId, tenantId } = request;
  const cart = await ports.carts.find(body.cartId);
  // Someone else's cart is "not found" rather than "forbidden", so cart ids of other customers do not leak.
  if (!cart || cart.ownerSub !== customerId || cart.tenantId !== tenantId) throw new NotFoundError('Cart', body.cartId);
  if (cart.lineCount === 0) throw new InvalidCartError(`Cart ${body.cartId} is empty`, { cartId: body.cartId });

  // A retry of a request that failed half-way computes the same id and resumes what its first attempt began.
  const checkoutId = checkoutIdFor(request.idempotencyKey);
  // The payment token and the address are kept on the record, which only this context's functions may read; the
  // saga's state, which its whole history and log group show, carries the checkout's id instead (ADR 0029). Of the
  // address only the tax location stays in clear; the rest and the contact are sealed for this very record, so that
  // reading the table is not reading them (ADR 0040).
  const { country, region } = body.shippingAddress;
  const personalData = await ports.cipher.seal(
    { shippingAddress: body.shippingAddress, ...(body.contact ? { contact: body.contact } : {}) },
    { tenantId, checkoutId },
  );
  const { record, created } = await ports.checkouts.createOrFind({
    checkoutId,
    customerId,
    tenantId,
    cartId: body.cartId,
    paymentToken: body.paymentToken,
    taxLocation: { country, region },
    personalData,
    createdAt: (ports.clock ?? systemClock)().toISOString(),
  });
  if (!created && record.cartId !== body.cartId) {
    // The key was used before, for another cart, longer ago than the idempotency layer remembers.
    throw new ConflictError('CHECKOUT_EXISTS', `Checkout ${checkoutId} of this idempotency key is for another cart`);
  }
  if (record.executionArn) return { checkoutId, status: record.status };

  // The same input on every attempt (the first attempt's time), so that Step Functions answers a repeated start of a
  // running execution with that execution.
  const requestedAt = record.createdAt;
  const sagaInput: CheckoutSagaInput = {
    checkoutId,
    correlationId: request.correlationId,
    customerId,
    tenantId,
    cartId: body.cartId,
    ...(body.discountCode === undefined ? {} : { discountCode: body.discountCode }),
    requestedAt,
  };
  let executionArn: string;
  try {
    ({ executionArn } = await ports.saga.start(sagaInput));
  } catch (cause) {
    // The record stays RUNNING without a saga until the client retries with the same key, which resumes it here.
    logger.error('The checkout saga could not be started', { checkoutId, error: cause as Error });
    throw new TransientError('The checkout could not be started; please retry', { cause });
  }

  try {
    await ports.checkouts.attachExecution(checkoutId, executionArn, requestedAt);
  } catch (error) {
    // The saga runs and will record its outcome; a retry would find it started. Only the step list of
    // GET /checkouts/{id} is lost.
    logger.error('The execution ARN could not be stored on the checkout', {
      checkoutId,
      executionArn,
      error: error as Error,
    });
  }

  metrics.addMetric('CheckoutStarted', MetricUnit.Count, 1);
  logger.info(created ? 'Checkout started' : 'Checkout resumed', { checkoutId, executionArn, cartId: body.cartId });
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
