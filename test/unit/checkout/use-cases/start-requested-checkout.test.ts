import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StartCheckoutRequest } from '../../../../functions/checkout/use-cases/start-checkout.js';
import {
  type CheckoutRequestedEvent,
  isRefusal,
  startRequestedCheckout,
} from '../../../../functions/checkout/use-cases/start-requested-checkout.js';
import {
  ConflictError,
  InvalidCartError,
  NotFoundError,
  PaymentGatewayUnavailableError,
  TransientError,
  ValidationError,
} from '../../../../shared/errors.js';
import { logger } from '../../../../shared/powertools/index.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const BODY = {
  cartId: 'cart-ada',
  paymentToken: 'tok_visa',
  shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' },
};

const EVENT: CheckoutRequestedEvent = {
  id: 'evt-0001',
  detail: {
    metadata: { correlationId: 'corr-event-0001', occurredAt: '2026-01-02T03:04:05Z' },
    data: { idempotencyKey: 'agent-key-0001', customerId: 'user-ada', tenantId: 'tenant-a', ...BODY },
  },
};

/** A start-checkout port that remembers what it was asked and answers as it is told. */
function startCheckoutAnswering(answer: () => Promise<{ checkoutId: string; status: 'RUNNING' }>) {
  const asked: StartCheckoutRequest[] = [];
  const startCheckout = async (request: StartCheckoutRequest) => {
    asked.push(request);
    return answer();
  };
  return { startCheckout, asked };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('startRequestedCheckout (use case, in-memory ports)', () => {
  it('starts a checkout for the customer the event names, under the key scoped to that customer', async () => {
    // Prepare
    const { startCheckout, asked } = startCheckoutAnswering(async () => ({ checkoutId: 'chk_1', status: 'RUNNING' }));
    const info = vi.spyOn(logger, 'info');

    // Act
    await startRequestedCheckout(EVENT, { startCheckout });

    // Assess
    expect(asked).toEqual([
      {
        idempotencyKey: 'user-ada:agent-key-0001',
        customerId: 'user-ada',
        tenantId: 'tenant-a',
        correlationId: 'corr-event-0001',
        body: BODY,
      },
    ]);
    expect(info).toHaveBeenCalledWith('Checkout request accepted', { eventId: 'evt-0001', checkoutId: 'chk_1' });
  });

  it.each([
    ['an empty cart', new InvalidCartError('Cart cart-ada is empty', { cartId: 'cart-ada' }), { code: 'INVALID_CART' }],
    ['a key reused with another body', new IdempotencyValidationError('reused'), {}],
  ])('logs the reason of a refusal (%s) and fails, so the message is dead-lettered', async (_case, refusal, fields) => {
    // Prepare
    const { startCheckout } = startCheckoutAnswering(() => Promise.reject(refusal));
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const starting = startRequestedCheckout(EVENT, { startCheckout });

    // Assess
    await expect(starting).rejects.toBe(refusal);
    expect(warn).toHaveBeenCalledWith(
      'Checkout request refused; its queue will dead-letter it',
      expect.objectContaining({ eventId: 'evt-0001', cartId: 'cart-ada', reason: refusal.message, ...fields }),
    );
  });

  it('fails a transient error without calling it a refusal, so the message is retried', async () => {
    // Prepare
    const transient = new TransientError('The checkout could not be started; please retry');
    const { startCheckout } = startCheckoutAnswering(() => Promise.reject(transient));
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const starting = startRequestedCheckout(EVENT, { startCheckout });

    // Assess
    await expect(starting).rejects.toBe(transient);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('isRefusal', () => {
  it.each([
    ['a validation error', new ValidationError('bad'), true],
    ['a foreign or missing cart', new NotFoundError('Cart', 'c'), true],
    ['an empty cart', new InvalidCartError('empty'), true],
    ['a conflict', new ConflictError('X', 'conflict'), true],
    ['an idempotency key reused with another body', new IdempotencyValidationError('reused'), true],
    ['a transient error', new TransientError('later'), false],
    ['an unavailable payment gateway', new PaymentGatewayUnavailableError(), false],
    ['a concurrent duplicate still in progress', new IdempotencyAlreadyInProgressError('busy'), false],
    ['an unexpected error', new Error('boom'), false],
  ])('says %s is %s', (_case, error, expected) => {
    // Assess
    expect(isRefusal(error)).toBe(expected);
  });
});
