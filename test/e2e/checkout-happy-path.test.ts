import { describe, expect, it } from 'vitest';
import {
  call,
  eventually,
  fillCart,
  newCustomer,
  newProduct,
  notificationsOf,
  product,
  settledCheckout,
  startCheckout,
} from './support/target.js';

describe('checkout: happy path', () => {
  it('completes, places the order, takes exactly the ordered stock and notifies the customer', async () => {
    // Prepare
    const customer = newCustomer();
    const keyboard = await newProduct(10, 8999);
    const mouse = await newProduct(10, 2999);
    const cartId = await fillCart(customer, { [keyboard]: 2, [mouse]: 1 });

    // Act
    const accepted = await startCheckout(customer, { cartId });
    const checkout = await settledCheckout(customer, accepted.body.checkoutId);

    // Assess
    expect(accepted.status).toBe(202);
    expect(accepted.headers.get('location')).toBe(`/checkouts/${accepted.body.checkoutId}`);
    expect(checkout.status).toBe('COMPLETED');
    expect(checkout.totals).toEqual({ subtotalCents: 20997, discountCents: 0, taxCents: 1522, totalCents: 22519 });
    expect(checkout.steps.map((step) => step.name)).toEqual([
      'PriceCart',
      'ReserveInventory',
      'ProcessPayment',
      'CreateOrder',
      'ClearCart',
      'CompleteCheckout',
      'PublishOrderPlaced',
    ]);

    const order = await call('GET', `orders/${checkout.orderId}`, { caller: customer });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ status: 'PLACED', checkoutId: checkout.checkoutId, totals: checkout.totals });
    expect(await product(keyboard)).toMatchObject({ available: 8, reserved: 0 });
    expect(await product(mouse)).toMatchObject({ available: 9, reserved: 0 });

    const cart = await call('GET', `carts/${cartId}`, { caller: customer });
    expect(cart.body.items).toEqual([]);

    const notifications = await eventually(
      () => notificationsOf(customer.sub),
      // Each event goes out on two channels, written one after the other: wait for both.
      (items) => items.filter((item) => item.eventType === 'OrderPlaced.v1').length >= 2,
      { what: 'the OrderPlaced notification' },
    );
    expect(
      notifications
        .filter((item) => item.eventType === 'OrderPlaced.v1')
        .map((item) => item.channel)
        .sort(),
    ).toEqual(['email', 'push']);
    expect(notifications[0]?.correlationId).toBe(accepted.headers.get('x-correlation-id'));
  });
});
