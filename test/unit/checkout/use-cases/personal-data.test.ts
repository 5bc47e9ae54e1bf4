import { describe, expect, it } from 'vitest';
import type { CheckoutRecord } from '../../../../functions/checkout/ports/checkouts.js';
import { PersonalDataIntegrityError } from '../../../../functions/checkout/ports/personal-data.js';
import { getOrder } from '../../../../functions/checkout/use-cases/get-order.js';
import { personalDataOf } from '../../../../functions/checkout/use-cases/personal-data.js';
import { inMemoryCipher } from '../personal-data-harness.js';

const PERSONAL = {
  shippingAddress: {
    country: 'US',
    region: 'CA',
    postalCode: '94105',
    recipient: 'Ada Lovelace',
    city: 'San Francisco',
  },
  contact: { email: 'ada@example.test' },
};

const RECORD: CheckoutRecord = {
  checkoutId: 'chk_1',
  customerId: 'user-ada',
  tenantId: 'tenant-a',
  cartId: 'cart-ada',
  taxLocation: { country: 'US', region: 'CA' },
  status: 'COMPLETED',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

/** One checkout record whose personal data is sealed for `sealedFor` (its own by default), and the cipher. */
async function portsWith(
  record: CheckoutRecord | undefined,
  sealedFor = { tenantId: 'tenant-a', checkoutId: 'chk_1' },
) {
  const cipher = inMemoryCipher();
  const stored = record && { ...record, personalData: await cipher.seal(PERSONAL, sealedFor) };
  return { cipher, checkouts: { find: async (checkoutId: string) => (checkoutId === 'chk_1' ? stored : undefined) } };
}

describe('personalDataOf (use case, in-memory cipher)', () => {
  it('opens the checkout’s data for its customer', async () => {
    // Prepare
    const ports = await portsWith(RECORD);

    // Act
    const opened = await personalDataOf('chk_1', 'user-ada', ports);

    // Assess
    expect(opened).toEqual(PERSONAL);
  });

  it('answers nothing for a checkout that is gone or holds no sealed data', async () => {
    // Prepare
    const withoutData = { cipher: inMemoryCipher(), checkouts: { find: async () => RECORD } };

    // Act
    const [missing, legacy] = await Promise.all([
      personalDataOf('chk_gone', 'user-ada', await portsWith(RECORD)),
      personalDataOf('chk_1', 'user-ada', withoutData),
    ]);

    // Assess
    expect(missing).toBeUndefined();
    expect(legacy).toBeUndefined();
  });

  it.each([
    ['asked for by another customer', 'user-bob', undefined],
    ['sealed for another checkout', 'user-ada', { tenantId: 'tenant-a', checkoutId: 'chk_2' }],
  ])('refuses data %s', async (_, customerId, sealedFor) => {
    // Prepare
    const ports = await portsWith(RECORD, sealedFor);

    // Act
    const opening = personalDataOf('chk_1', customerId, ports);

    // Assess
    await expect(opening).rejects.toBeInstanceOf(PersonalDataIntegrityError);
  });
});

describe('getOrder (use case, in-memory cipher)', () => {
  const order = {
    orderId: 'ord_chk_1',
    checkoutId: 'chk_1',
    customerId: 'user-ada',
    tenantId: 'tenant-a',
    lines: [],
    totals: { subtotalCents: 0, discountCents: 0, taxCents: 0, totalCents: 0 },
    paymentId: 'pay_chk_1',
    status: 'PLACED' as const,
    refundedCents: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  const orders = {
    getOrder: async () => order,
    create: async () => 'CREATED' as const,
    cancel: async () => 'CANCELLED' as const,
  };

  it('adds the address and contact for the order’s customer, and neither for support', async () => {
    // Prepare
    const ports = { ...(await portsWith(RECORD)), orders };

    // Act
    const own = await getOrder('ord_chk_1', { sub: 'user-ada', tenant: 'tenant-a', roles: ['customer'] }, ports);
    const staff = await getOrder('ord_chk_1', { sub: 'agent-sam', tenant: 'tenant-a', roles: ['support'] }, ports);

    // Assess
    expect(own).toMatchObject(PERSONAL);
    expect(staff).not.toHaveProperty('shippingAddress');
    expect(staff).not.toHaveProperty('contact');
  });
});
