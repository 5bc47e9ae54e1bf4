import type { Cart } from '../../../shared/contracts/checkout-api.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { CartOwner } from '../domain/carts.js';
import { type CartDeps, viewWithCurrentPrices } from './get-cart.js';

export interface RemoveCartItemCommand {
  readonly cartId: string;
  readonly sku: string;
  readonly owner: CartOwner;
}

/** Removes a product from the caller's cart. Removing a SKU the cart does not hold is not an error (DELETE is idempotent). */
export async function removeCartItem(command: RemoveCartItemCommand, deps: CartDeps): Promise<Cart> {
  const saved = await deps.carts.removeItem(command.cartId, command.owner, command.sku);
  if (!saved) throw new NotFoundError('Cart', command.cartId);
  return viewWithCurrentPrices(saved, deps.catalog);
}
