import type { Cart } from '../../../shared/contracts/checkout-api.js';
import { ConflictError, NotFoundError } from '../../../shared/errors.js';
import { type CartOwner, isOwnedBy } from '../domain/carts.js';
import { MAX_LINES_PER_CART } from '../domain/lines.js';
import { type CartDeps, viewWithCurrentPrices } from './get-cart.js';

export interface PutCartItemCommand {
  readonly cartId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly owner: CartOwner;
}

/**
 * Sets how many of a product the cart holds, creating the cart for the caller on first use. Stock is checked here
 * only to spare the customer a checkout that cannot succeed; the reservation at checkout is what guarantees it.
 */
export async function putCartItem(command: PutCartItemCommand, deps: CartDeps): Promise<Cart> {
  const { cartId, sku, quantity, owner } = command;
  const product = await deps.catalog.getProduct(sku);
  if (!product) throw new NotFoundError('Product', sku);
  if (quantity > product.available) {
    throw new ConflictError('INSUFFICIENT_STOCK', `Only ${product.available} of ${sku} are available`, {
      sku,
      requested: quantity,
      available: product.available,
    });
  }
  const existing = await deps.carts.getCart(cartId);
  if (existing && !isOwnedBy(existing, owner)) throw new NotFoundError('Cart', cartId);
  if (existing && !(sku in existing.items) && Object.keys(existing.items).length >= MAX_LINES_PER_CART) {
    throw new ConflictError('CART_FULL', `A cart holds at most ${MAX_LINES_PER_CART} different products`, {
      maxLines: MAX_LINES_PER_CART,
    });
  }
  const saved = await deps.carts.setItemQuantity(cartId, owner, sku, quantity);
  if (!saved) throw new NotFoundError('Cart', cartId);
  return viewWithCurrentPrices(saved, deps.catalog);
}
