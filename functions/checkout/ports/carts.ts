import type { CartContents, CartOwner } from '../domain/carts.js';

export type StoredCart = CartContents;

/**
 * Carts. Every write is conditioned on the owner, so a cart can never be changed by someone it does not belong to;
 * a write refused for that reason answers `undefined` (or `false`), exactly as for a cart that does not exist.
 */
export interface CartRepository {
  getCart(cartId: string): Promise<StoredCart | undefined>;
  /** Sets the quantity of one SKU, creating the cart for `owner` if it does not exist yet. */
  setItemQuantity(cartId: string, owner: CartOwner, sku: string, quantity: number): Promise<StoredCart | undefined>;
  removeItem(cartId: string, owner: CartOwner, sku: string): Promise<StoredCart | undefined>;
  /** Empties the cart; `false` when it does not exist or is not the owner's. */
  clearItems(cartId: string, owner: CartOwner): Promise<boolean>;
}
