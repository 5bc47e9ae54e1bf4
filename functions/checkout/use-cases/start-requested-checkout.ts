/**
 * An agent's CheckoutRequested.v1: the customer the event names checks out through the same use case as
 * POST /checkouts. A request that can never succeed (unknown or foreign cart, empty cart, key reused with another
 * body) is logged with its reason and fails, so the queue's redrive moves it to the DLQ; transient failures are
 * retried. (A message that does not match its schema never gets here: its consumer refuses it while parsing.)
 */
import { IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import type { z } from 'zod';
import type { CheckoutRequested } from '../../../shared/contracts/events/checkout-events.js';
import type { EventMetadata } from '../../../shared/contracts/events/define-event.js';
import { AppError, TransientError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import type { StartCheckoutRequest, StartCheckoutResult } from './start-checkout.js';

/** A parsed CheckoutRequested.v1 envelope, as far as this reads it. */
export interface CheckoutRequestedEvent {
  readonly id: string;
  readonly detail: { readonly metadata: EventMetadata; readonly data: z.infer<typeof CheckoutRequested.data> };
}

export interface StartRequestedCheckoutPorts {
  /** `startCheckout` run once per idempotency key (`idempotentStartCheckout`), as the API runs it. */
  readonly startCheckout: (request: StartCheckoutRequest) => Promise<StartCheckoutResult>;
}

export async function startRequestedCheckout(
  event: CheckoutRequestedEvent,
  ports: StartRequestedCheckoutPorts,
): Promise<void> {
  const { idempotencyKey, customerId, tenantId, ...body } = event.detail.data;
  try {
    const accepted = await ports.startCheckout({
      idempotencyKey: `${customerId}:${idempotencyKey}`,
      customerId,
      tenantId,
      correlationId: event.detail.metadata.correlationId,
      body,
    });
    logger.info('Checkout request accepted', { eventId: event.id, checkoutId: accepted.checkoutId });
  } catch (error) {
    // Rethrown either way: the record fails, and a refusal is eventually dead-lettered.
    if (isRefusal(error)) logRefusal(error, { eventId: event.id, cartId: body.cartId });
    throw error;
  }
}

/**
 * A refusal is an error no retry can fix: the request itself is wrong (unknown cart, someone else's cart, empty cart,
 * an idempotency key reused with another body). Transient failures, including a concurrent duplicate still in
 * progress, are not refusals: a later receive may succeed.
 */
export function isRefusal(error: unknown): error is Error {
  if (error instanceof IdempotencyValidationError) return true;
  return error instanceof AppError && !(error instanceof TransientError) && error.httpStatus < 500;
}

/** Says why, so the person who looks at the DLQ alarm does not have to guess. */
function logRefusal(error: Error, fields: Record<string, unknown>): void {
  logger.warn('Checkout request refused; its queue will dead-letter it', {
    ...fields,
    reason: error.message,
    errorName: error.name,
    ...(error instanceof AppError ? { code: error.code, details: error.details } : {}),
  });
}
