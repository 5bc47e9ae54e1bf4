/** A quantity of one SKU, as a cart, a reservation or an order holds it. */
export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
}

/**
 * The most a single line may hold. It matches the API's `PutCartItemBody` limit, and is checked again when a cart is
 * priced because carts can be written by other means than the API.
 */
export const MAX_QUANTITY_PER_LINE = 99;

/**
 * The most distinct SKUs a cart may hold. A reservation or an order is one DynamoDB transaction with one action per
 * SKU plus two, and a transaction takes at most 100 actions; 50 leaves ample room.
 */
export const MAX_LINES_PER_CART = 50;

/**
 * Merges lines of the same SKU and sorts them by SKU. A DynamoDB transaction may touch each item once, so every
 * write to stock goes through this; the stable order also makes transactions and tests deterministic.
 */
export function aggregateLines(lines: readonly OrderLine[]): OrderLine[] {
  const quantities = new Map<string, number>();
  for (const line of lines) quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity);
  return [...quantities.entries()]
    .sort(([left], [right]) => left.localeCompare(right))
    .map(([sku, quantity]) => ({ sku, quantity }));
}
