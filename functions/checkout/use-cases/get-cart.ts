import type { Cart } from '../../../shared/contracts/checkout-api.js';
import { NotFoundError } from '../../../shared/errors.js';
import { type CartContents, type CartOwner, cartView, isOwnedBy } from '../domain/carts.js';
import type { CartRepository } from '../ports/carts.js';
import type { CatalogRepository } from '../ports/catalog.js';

export interface CartDeps {
  readonly carts: CartRepository;
  readonly catalog: CatalogRepository;
}

/** The caller's cart at current prices; someone else's cart is answered as not found. */
export async function getCart(cartId: string, owner: CartOwner, deps: CartDeps): Promise<Cart> {
  const cart = await deps.carts.getCart(cartId);
  if (!cart || !isOwnedBy(cart, owner)) throw new NotFoundError('Cart', cartId);
  return viewWithCurrentPrices(cart, deps.catalog);
}

export async function viewWithCurrentPrices(cart: CartContents, catalog: CatalogRepository): Promise<Cart> {
  const products = await catalog.getProducts(Object.keys(cart.items));
  return cartView(cart, products);
}
