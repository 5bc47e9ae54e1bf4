import type { CheckoutSagaInput, PricingResult } from '../../../shared/contracts/checkout-saga.js';
import { InvalidCartError } from '../../../shared/errors.js';
import { isOwnedBy, linesOf } from '../domain/carts.js';
import { priceCart as priceLines } from '../domain/pricing.js';
import type { CartRepository } from '../ports/carts.js';
import type { CatalogRepository } from '../ports/catalog.js';

/** First step of the checkout saga: the customer's cart at current catalog prices, with discount and tax. */
export async function priceCart(
  command: CheckoutSagaInput,
  deps: { carts: CartRepository; catalog: CatalogRepository },
): Promise<PricingResult> {
  const cart = await deps.carts.getCart(command.cartId);
  if (!cart || !isOwnedBy(cart, { ownerSub: command.customerId, tenantId: command.tenantId })) {
    // The API already answers someone else's cart as missing; the saga must not reveal more.
    throw new InvalidCartError(`Cart ${command.cartId} was not found`, { cartId: command.cartId });
  }
  const lines = linesOf(cart);
  if (lines.length === 0) throw new InvalidCartError(`Cart ${command.cartId} is empty`, { cartId: command.cartId });
  const products = await deps.catalog.getProducts(lines.map((line) => line.sku));
  return priceLines({
    lines,
    products,
    shippingAddress: command.shippingAddress,
    discountCode: command.discountCode,
  });
}
