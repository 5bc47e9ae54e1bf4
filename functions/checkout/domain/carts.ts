import type { Cart } from '../../../shared/contracts/checkout-api.js';
import type { OrderLine } from './lines.js';
import type { PricedProduct } from './pricing.js';
import { subtotalOf } from './pricing.js';

/** Who a cart belongs to: a subject within a tenant. */
export interface CartOwner {
  readonly ownerSub: string;
  readonly tenantId: string;
}

export interface CartContents extends CartOwner {
  readonly cartId: string;
  readonly items: Readonly<Record<string, { readonly quantity: number }>>;
  readonly updatedAt: string;
}

/** Another subject's, or another tenant's, cart is treated exactly like a cart that does not exist. */
export function isOwnedBy(cart: CartOwner, owner: CartOwner): boolean {
  return cart.ownerSub === owner.ownerSub && cart.tenantId === owner.tenantId;
}

export function linesOf(cart: CartContents): OrderLine[] {
  return Object.entries(cart.items)
    .map(([sku, item]) => ({ sku, quantity: item.quantity }))
    .sort((left, right) => left.sku.localeCompare(right.sku));
}

/**
 * The cart as the API shows it, at current catalog prices. A line whose product has left the catalog is left out
 * here; pricing the cart at checkout refuses it explicitly.
 */
export function cartView(cart: CartContents, products: ReadonlyMap<string, PricedProduct>): Cart {
  const items = linesOf(cart).flatMap((line) => {
    const product = products.get(line.sku);
    return product
      ? [{ sku: line.sku, quantity: line.quantity, unitPriceCents: product.priceCents, name: product.name }]
      : [];
  });
  return { cartId: cart.cartId, items, subtotalCents: subtotalOf(items), updatedAt: cart.updatedAt };
}
