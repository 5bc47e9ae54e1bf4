import { describe, expect, it } from 'vitest';
import { formatCents, notificationsFor, SMS_MAX_LENGTH } from '../../../../functions/checkout/domain/notifications.js';
import { NotifiableEventEnvelope } from '../../../../shared/contracts/events/notifiable-events.js';
import { envelope, PRICING } from '../checkouts-harness.js';

const orderPlaced = (totals = PRICING.totals) =>
  NotifiableEventEnvelope.parse(
    envelope('OrderPlaced.v1', {
      orderId: 'ord_chk_1',
      checkoutId: 'chk_1',
      customerId: 'user-ada',
      tenantId: 'tenant-a',
      lines: PRICING.lines,
      totals,
    }),
  );

const checkoutFailed = (code: string, message: string) =>
  NotifiableEventEnvelope.parse(
    envelope('CheckoutFailed.v1', { checkoutId: 'chk_1', customerId: 'user-ada', tenantId: 'tenant-a', code, message }),
  );

const refundIssued = NotifiableEventEnvelope.parse(
  envelope('RefundIssued.v1', {
    refundId: 'ref_1',
    orderId: 'ord_chk_1',
    paymentId: 'pay_chk_1',
    customerId: 'user-ada',
    amountCents: 2999,
    refundedCents: 5998,
  }),
);

describe('formatCents', () => {
  it.each([
    [0, '$0.00'],
    [5, '$0.05'],
    [99, '$0.99'],
    [100, '$1.00'],
    [16084, '$160.84'],
    [123456, '$1,234.56'],
    [100_000_000, '$1,000,000.00'],
    [-1234, '-$12.34'],
  ])('formats %i cents as %s', (cents, expected) => {
    // Assess
    expect(formatCents(cents)).toBe(expected);
  });

  it('refuses fractions of a cent', () => {
    // Assess
    expect(() => formatCents(1.5)).toThrow(RangeError);
  });
});

describe('notificationsFor', () => {
  it('confirms a placed order by e-mail (every line and the totals) and by push', () => {
    // Act
    const { recipient, messages } = notificationsFor(orderPlaced());

    // Assess
    expect(recipient).toBe('user-ada');
    expect(messages.map((message) => message.channel)).toEqual(['email', 'push']);
    const [email, push] = messages;
    expect(email?.subject).toBe('Order ord_chk_1 confirmed');
    expect(email?.body).toContain('1 x Mechanical keyboard (SKU-KEYBOARD) at $89.99 = $89.99');
    expect(email?.body).toContain('2 x Wireless mouse (SKU-MOUSE) at $29.99 = $59.98');
    expect(email?.body).toContain('Subtotal: $149.97');
    expect(email?.body).toContain('Tax: $10.87');
    expect(email?.body).toContain('Total: $160.84');
    expect(email?.body).not.toContain('Discount');
    expect(push).toEqual({
      channel: 'push',
      subject: 'Order confirmed',
      body: 'Your order ord_chk_1 of $160.84 is confirmed.',
    });
  });

  it('shows the discount line only when there is a discount', () => {
    // Act
    const { messages } = notificationsFor(
      orderPlaced({ subtotalCents: 14997, discountCents: 1500, taxCents: 978, totalCents: 14475 }),
    );

    // Assess
    expect(messages[0]?.body).toContain('Discount: -$15.00');
    expect(messages[0]?.body).toContain('Total: $144.75');
  });

  it.each([
    ['OUT_OF_STOCK', 'Not enough stock for SKU-MONITOR', 'Please update your cart and try again.'],
    ['PAYMENT_DECLINED', 'The payment was declined: insufficient funds', 'Please try another payment method.'],
    ['INVALID_CART', 'Cart cart-ada is empty', 'Please review your cart and try again.'],
    [
      'INTERNAL',
      'The checkout could not be completed because of an internal error.',
      'Please try again in a few minutes.',
    ],
  ])('tells the customer about a %s failure by e-mail and SMS, with advice', (code, message, advice) => {
    // Act
    const { recipient, messages } = notificationsFor(checkoutFailed(code, message));

    // Assess
    expect(recipient).toBe('user-ada');
    expect(messages.map((entry) => entry.channel)).toEqual(['email', 'sms']);
    const [email, sms] = messages;
    expect(email?.subject).toBe('Your checkout could not be completed');
    expect(email?.body).toBe(
      `We could not complete your checkout chk_1. ${message.endsWith('.') ? message : `${message}.`} ${advice}`,
    );
    expect(sms?.body).toContain(advice);
    expect(sms?.body.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
  });

  it('keeps an SMS within one message however long the reason', () => {
    // Act
    const { messages } = notificationsFor(
      checkoutFailed('OUT_OF_STOCK', `Not enough stock for ${'SKU-X, '.repeat(60)}`),
    );

    // Assess
    const sms = messages.find((message) => message.channel === 'sms');
    expect(sms?.body).toHaveLength(SMS_MAX_LENGTH);
    expect(sms?.body.endsWith('…')).toBe(true);
  });

  it('tells the customer about a refund by e-mail only, with both amounts', () => {
    // Act
    const { recipient, messages } = notificationsFor(refundIssued);

    // Assess
    expect(recipient).toBe('user-ada');
    expect(messages).toEqual([
      {
        channel: 'email',
        subject: 'Refund for order ord_chk_1',
        body: 'We refunded $29.99 for order ord_chk_1 (refund ref_1). Refunded on this order so far: $59.98.',
      },
    ]);
  });
});
