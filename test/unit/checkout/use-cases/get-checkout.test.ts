import { describe, expect, it, vi } from 'vitest';
import { INTERNAL_FAILURE_MESSAGE } from '../../../../functions/checkout/domain/checkout-outcome.js';
import type {
  CheckoutRecord,
  CheckoutSaga,
  Checkouts,
  SagaExecutionStatus,
} from '../../../../functions/checkout/ports/checkouts.js';
import { getCheckout } from '../../../../functions/checkout/use-cases/get-checkout.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

const ADA = { sub: 'user-ada', tenant: 'tenant-a', roles: ['customer'] };
const TOTALS = { subtotalCents: 1000, discountCents: 0, taxCents: 0, totalCents: 1000 };

function record(overrides: Partial<CheckoutRecord> = {}): CheckoutRecord {
  return {
    checkoutId: 'chk_1',
    customerId: ADA.sub,
    tenantId: ADA.tenant,
    cartId: 'cart-ada',
    status: 'RUNNING',
    executionArn: 'arn:checkout:chk_1',
    totals: TOTALS,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** One checkout record, and a saga whose execution answers `status`; it remembers which statuses were asked. */
function portsWith(checkout: CheckoutRecord, status: SagaExecutionStatus | undefined) {
  const asked: string[] = [];
  const checkouts: Checkouts = {
    find: async (checkoutId) => (checkoutId === checkout.checkoutId ? checkout : undefined),
    createOrFind: async () => ({ record: checkout, created: false }),
    attachExecution: async () => {},
    complete: async () => {},
    fail: async () => {},
  };
  const saga: CheckoutSaga = {
    start: async () => ({ executionArn: 'arn:checkout:chk_1' }),
    async status(executionArn) {
      asked.push(executionArn);
      return status;
    },
    history: async () => [],
  };
  return { ports: { checkouts, saga }, asked };
}

describe('getCheckout (use case, in-memory ports)', () => {
  it.each<SagaExecutionStatus>(['FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])(
    'shows a RUNNING checkout whose execution ended %s as FAILED with the internal message',
    async (status) => {
      // Prepare
      const { ports } = portsWith(record(), status);

      // Act
      const view = await getCheckout({ checkoutId: 'chk_1', principal: ADA }, ports);

      // Assess
      expect(view).toEqual({
        checkoutId: 'chk_1',
        totals: TOTALS,
        status: 'FAILED',
        failure: { code: 'INTERNAL', message: INTERNAL_FAILURE_MESSAGE },
        steps: [],
      });
    },
  );

  it('shows a checkout whose execution still runs as RUNNING', async () => {
    // Prepare
    const { ports } = portsWith(record(), 'RUNNING');

    // Act
    const view = await getCheckout({ checkoutId: 'chk_1', principal: ADA }, ports);

    // Assess
    expect(view.status).toBe('RUNNING');
  });

  it('believes the record once the saga recorded an outcome, without asking the execution', async () => {
    // Prepare
    const { ports, asked } = portsWith(record({ status: 'COMPLETED', orderId: 'ord_1' }), 'FAILED');

    // Act
    const view = await getCheckout({ checkoutId: 'chk_1', principal: ADA }, ports);

    // Assess
    expect(view).toMatchObject({ status: 'COMPLETED', orderId: 'ord_1' });
    expect(asked).toEqual([]);
  });
});
