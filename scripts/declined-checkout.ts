/**
 * A checkout whose payment is declined, so its saga compensates (tok_chargeDeclined, docs/adr/0016): what the console's
 * screenshot and load benchmark show. Through the REST API with a dev token, as a customer would.
 */
import { randomUUID } from 'node:crypto';
import { signDevToken } from '../functions/platform/dev-keys.js';

/** Starts a checkout of one seeded keyboard paid with a declined card; answers its checkout id (its execution's name). */
export async function startDeclinedCheckout(apiUrl: string): Promise<string> {
  const caller = { sub: `console-${randomUUID().slice(0, 8)}`, tenant: 't1', roles: ['customer'] };
  const headers = { Authorization: `Bearer ${await signDevToken(caller)}`, 'Content-Type': 'application/json' };
  const cartId = `cart-${randomUUID().slice(0, 8)}`;
  const put = await fetch(new URL(`carts/${cartId}/items/SKU-KEYBOARD`, apiUrl), {
    method: 'PUT',
    headers,
    body: JSON.stringify({ quantity: 1 }),
  });
  if (put.status !== 200) throw new Error(`Could not fill the cart: ${put.status} ${await put.text()}`);
  const started = await fetch(new URL('checkouts', apiUrl), {
    method: 'POST',
    headers: { ...headers, 'Idempotency-Key': `key-${randomUUID()}` },
    body: JSON.stringify({
      cartId,
      paymentToken: 'tok_chargeDeclined',
      shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' },
    }),
  });
  const body = (await started.json()) as { checkoutId?: string };
  if (started.status !== 202 || !body.checkoutId) throw new Error(`The checkout was not accepted: ${started.status}`);
  return body.checkoutId;
}
