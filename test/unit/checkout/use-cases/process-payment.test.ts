import { describe, expect, it, vi } from 'vitest';
import type { CheckoutRecord } from '../../../../functions/checkout/ports/checkouts.js';
import type {
  ChargeRequest,
  PaymentGateway,
  PaymentRepository,
} from '../../../../functions/checkout/ports/payments.js';
import { processPayment } from '../../../../functions/checkout/use-cases/process-payment.js';
import type { ProcessPaymentCommand } from '../../../../shared/contracts/checkout-saga.js';
import { NotFoundError, PaymentDeclinedError } from '../../../../shared/errors.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const COMMAND: ProcessPaymentCommand = {
  checkoutId: 'chk_1',
  correlationId: 'corr-1',
  customerId: 'user-ada',
  tenantId: 'tenant-a',
  cartId: 'cart-ada',
  requestedAt: '2026-01-01T00:00:00.000Z',
  pricing: {
    lines: [{ sku: 'SKU-A', name: 'A', quantity: 1, unitPriceCents: 1000 }],
    totals: { subtotalCents: 1000, discountCents: 0, taxCents: 0, totalCents: 1000 },
  },
};

const RECORD: CheckoutRecord = {
  checkoutId: 'chk_1',
  customerId: 'user-ada',
  tenantId: 'tenant-a',
  cartId: 'cart-ada',
  paymentToken: 'tok_visa',
  taxLocation: { country: 'US', region: 'CA' },
  status: 'RUNNING',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** A gateway that approves tok_visa and declines anything else, payments in a map, and one checkout record. */
function inMemoryPorts(record: CheckoutRecord | undefined) {
  const charges: ChargeRequest[] = [];
  const reads: string[] = [];
  const payments = new Map<string, Awaited<ReturnType<PaymentRepository['recordCapture']>>>();
  const gateway: Pick<PaymentGateway, 'charge'> = {
    async charge(request) {
      charges.push(request);
      if (request.paymentToken !== 'tok_visa') throw new PaymentDeclinedError('card declined');
      return { chargeReference: `ch_${request.checkoutId}` };
    },
  };
  const repository: Pick<PaymentRepository, 'getPayment' | 'recordCapture'> = {
    getPayment: async (paymentId) => payments.get(paymentId),
    async recordCapture(payment) {
      const stored = { ...payment, refundedCents: 0, status: 'CAPTURED' as const, createdAt: RECORD.createdAt };
      payments.set(payment.paymentId, stored);
      return stored;
    },
  };
  const deps = {
    payments: repository as PaymentRepository,
    gateway: gateway as PaymentGateway,
    metrics: { paymentDeclined: () => {} },
    checkouts: {
      find: async (checkoutId: string) => {
        reads.push(checkoutId);
        return record;
      },
    },
  };
  return { deps, charges, reads };
}

describe('processPayment (use case, in-memory ports)', () => {
  it('charges the token the checkout record holds', async () => {
    // Prepare
    const { deps, charges } = inMemoryPorts(RECORD);

    // Act
    const result = await processPayment(COMMAND, deps);

    // Assess
    expect(result).toEqual({ paymentId: 'pay_chk_1', amountCents: 1000 });
    expect(charges).toEqual([{ checkoutId: 'chk_1', amountCents: 1000, paymentToken: 'tok_visa' }]);
  });

  it('does not fall back to a token in the state of an execution started before ADR 0029', async () => {
    // Prepare
    const { deps, charges } = inMemoryPorts({ ...RECORD, paymentToken: undefined });
    const legacyCommand = { ...COMMAND, paymentToken: 'tok_visa' } as ProcessPaymentCommand;

    // Act / Assess
    await expect(processPayment(legacyCommand, deps)).rejects.toBeInstanceOf(NotFoundError);
    expect(charges).toEqual([]);
  });

  it('fails with NotFoundError, charging nothing, when the checkout record is gone', async () => {
    // Prepare
    const { deps, charges } = inMemoryPorts(undefined);

    // Act / Assess
    await expect(processPayment(COMMAND, deps)).rejects.toThrow('Checkout chk_1 was not found');
    expect(charges).toEqual([]);
  });

  it('behaves the same on a repeat: the recorded payment answers, without the token or a second charge', async () => {
    // Prepare
    const { deps, charges, reads } = inMemoryPorts(RECORD);
    const first = await processPayment(COMMAND, deps);

    // Act: the checkout settled meanwhile and let its token go.
    const settled = inMemoryPorts({ ...RECORD, paymentToken: undefined, status: 'COMPLETED' });
    const repeat = await processPayment(COMMAND, { ...settled.deps, payments: deps.payments });

    // Assess
    expect(repeat).toEqual(first);
    expect(charges).toHaveLength(1);
    expect(reads).toEqual(['chk_1']);
    expect(settled.charges).toEqual([]);
    expect(settled.reads).toEqual([]);
  });
});
