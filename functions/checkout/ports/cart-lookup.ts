/**
 * The checkout context's read-only view of a cart: enough to refuse a checkout of a cart that is not the caller's or
 * that is empty. Pricing reads the cart's lines itself, inside the saga.
 */
export interface CartSummary {
  readonly cartId: string;
  readonly ownerSub: string;
  readonly tenantId: string;
  /** Lines with a positive quantity. */
  readonly lineCount: number;
}

export interface CartLookup {
  find(cartId: string): Promise<CartSummary | undefined>;
}
