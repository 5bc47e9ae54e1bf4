import type { CheckoutSagaInput, PricingResult } from '../../../shared/contracts/checkout-saga.js';
import { InvalidCartError } from '../../../shared/errors.js';
import { isOwnedBy, linesOf } from '../domain/carts.js';
import { priceCart as priceLines } from '../domain/pricing.js';
import type { CartRepository } from '../ports/carts.js';
import type { CatalogRepository } from '../ports/catalog.js';
import type { CheckoutReader } from '../ports/checkouts.js';
import { checkoutDetail } from './checkout-details.js';

/**
 * First step of the checkout saga: the customer's cart at current catalog prices, with discount and tax. The tax
 * follows the shipping address's country and region, which the checkout record holds in clear (the saga's state
 * carries no address, ADR 0029; the rest of the address is sealed and never read here, ADR 0040).
 */
export async function priceCart(
  command: CheckoutSagaInput,
  deps: { carts: CartRepository; catalog: CatalogRepository; checkouts: CheckoutReader },
): Promise<PricingResult> {
  const cart = await deps.carts.getCart(command.cartId);
  if (!cart || !isOwnedBy(cart, { ownerSub: command.customerId, tenantId: command.tenantId })) {
    // The API already answers someone else's cart as missing; the saga must not reveal more.
    throw new InvalidCartError(`Cart ${command.cartId} was not found`, { cartId: command.cartId });
  }
  const lines = linesOf(cart);
  if (lines.length === 0) throw new InvalidCartError(`Cart ${command.cartId} is empty`, { cartId: command.cartId });
  const [products, taxLocation] = await Promise.all([
    deps.catalog.getProducts(lines.map((line) => line.sku)),
    checkoutDetail(deps.checkouts, command.checkoutId, 'taxLocation'),
  ]);
  return priceLines({
    lines,
    products,
    shippingAddress: taxLocation,
    discountCode: command.discountCode,
  });
}
