import { describe, expect, it, vi } from 'vitest';
import type { CheckoutRecord, CheckoutSaga, Checkouts } from '../../../../functions/checkout/ports/checkouts.js';
import { startCheckout } from '../../../../functions/checkout/use-cases/start-checkout.js';
import type { CheckoutSagaInput } from '../../../../shared/contracts/checkout-saga.js';
import { inMemoryCipher } from '../personal-data-harness.js';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_METRICS_NAMESPACE = 'sagastack-test';
});

const BODY = {
  cartId: 'cart-ada',
  paymentToken: 'tok_distinctive_0001',
  shippingAddress: {
    country: 'US',
    region: 'CA',
    postalCode: 'PC-0001',
    recipient: 'Ada Use-Case',
    lines: ['1 Distinctive Lane'],
    city: 'Casetown',
  },
  contact: { email: 'ada.use-case@example.test', phone: '+14155550111' },
  discountCode: 'WELCOME10',
};

const REQUEST = {
  idempotencyKey: 'user-ada:key-0001',
  customerId: 'user-ada',
  tenantId: 'tenant-a',
  correlationId: 'corr-0001',
  body: BODY,
};

/** Checkout records in a map, and a saga that remembers every input it was started with. */
function inMemoryPorts(existing: CheckoutRecord[] = []) {
  const records = new Map(existing.map((record) => [record.checkoutId, record]));
  const started: CheckoutSagaInput[] = [];
  const checkouts: Checkouts = {
    async createOrFind(checkout) {
      const found = records.get(checkout.checkoutId);
      if (found) return { record: found, created: false };
      const record: CheckoutRecord = { ...checkout, status: 'RUNNING', updatedAt: checkout.createdAt };
      records.set(record.checkoutId, record);
      return { record, created: true };
    },
    async attachExecution(checkoutId, executionArn) {
      const record = records.get(checkoutId);
      if (record) records.set(checkoutId, { ...record, executionArn });
    },
    find: async (checkoutId) => records.get(checkoutId),
    complete: async () => {},
    fail: async () => {},
  };
  const saga: CheckoutSaga = {
    async start(input) {
      started.push(input);
      return { executionArn: `arn:execution:${input.checkoutId}` };
    },
    status: async () => undefined,
    history: async () => [],
  };
  const carts = {
    find: async (cartId: string) => ({ cartId, ownerSub: 'user-ada', tenantId: 'tenant-a', lineCount: 2 }),
  };
  const clock = () => new Date('2026-01-01T00:00:00.000Z');
  const cipher = inMemoryCipher();
  return { ports: { carts, checkouts, saga, clock, cipher }, records, started, cipher };
}

describe('startCheckout (use case, in-memory ports)', () => {
  it('keeps the payment token and the sealed address on the checkout record and starts the saga with ids only', async () => {
    // Prepare
    const { ports, records, started, cipher } = inMemoryPorts();

    // Act
    const { checkoutId } = await startCheckout(REQUEST, ports);

    // Assess
    const record = records.get(checkoutId);
    expect(record).toMatchObject({
      paymentToken: BODY.paymentToken,
      taxLocation: { country: 'US', region: 'CA' },
      personalData: expect.any(String),
      status: 'RUNNING',
      executionArn: `arn:execution:${checkoutId}`,
    });
    expect(record).not.toHaveProperty('shippingAddress');
    // Sealed for this very record, with the whole address and the contact.
    const opened = await cipher.open(record?.personalData ?? '', { tenantId: 'tenant-a', checkoutId });
    expect(opened).toEqual({ shippingAddress: BODY.shippingAddress, contact: BODY.contact });
    expect(started).toEqual([
      {
        checkoutId,
        correlationId: 'corr-0001',
        customerId: 'user-ada',
        tenantId: 'tenant-a',
        cartId: 'cart-ada',
        discountCode: 'WELCOME10',
        requestedAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(started)).not.toContain(BODY.paymentToken);
    expect(JSON.stringify(started)).not.toContain(BODY.shippingAddress.postalCode);
  });

  it('stores no part of the address but its tax location, and none of the contact, in clear', async () => {
    // Prepare
    const { ports, records } = inMemoryPorts();

    // Act
    const { checkoutId } = await startCheckout(REQUEST, ports);

    // Assess
    const stored = JSON.stringify(records.get(checkoutId));
    for (const value of ['PC-0001', 'Ada Use-Case', 'Distinctive Lane', 'Casetown', 'ada.use-case', '5550111']) {
      expect(stored).not.toContain(value);
    }
  });

  it('resumes a checkout whose saga did not start, with its first attempt’s details, still by id', async () => {
    // Prepare: the first attempt recorded the checkout, then could not start its saga.
    const first = inMemoryPorts();
    first.ports.saga.start = async () => {
      throw new Error('Rate exceeded');
    };
    await expect(startCheckout(REQUEST, first.ports)).rejects.toThrow('please retry');
    const [recorded] = [...first.records.values()];
    const { ports, records, started } = inMemoryPorts(recorded ? [recorded] : []);

    // Act
    const { checkoutId } = await startCheckout(REQUEST, ports);

    // Assess
    expect(records.get(checkoutId)).toMatchObject({
      paymentToken: BODY.paymentToken,
      taxLocation: { country: 'US', region: 'CA' },
      personalData: recorded?.personalData,
      executionArn: `arn:execution:${checkoutId}`,
    });
    expect(started).toHaveLength(1);
    expect(Object.keys(started[0] ?? {}).sort()).toEqual([
      'cartId',
      'checkoutId',
      'correlationId',
      'customerId',
      'discountCode',
      'requestedAt',
      'tenantId',
    ]);
  });
});
