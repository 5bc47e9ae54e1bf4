import { aggregateLines, type OrderLine } from './lines.js';

/** Stock of one product as the catalog holds it. */
export interface StockLevel {
  readonly sku: string;
  readonly available: number;
}

export interface ReservationPlan {
  /** What each product's stock moves by: one entry per SKU, sorted, quantities of repeated SKUs summed. */
  readonly deltas: OrderLine[];
  /** SKUs whose available stock is below what the lines ask for, sorted. */
  readonly shortSkus: string[];
  /** SKUs that are not in the catalog, sorted. */
  readonly unknownSkus: string[];
}

/** Decides, from current stock, whether the lines can be reserved and by how much each product's stock moves. */
export function planReservation(lines: readonly OrderLine[], stock: ReadonlyMap<string, StockLevel>): ReservationPlan {
  const deltas = aggregateLines(lines);
  const shortSkus: string[] = [];
  const unknownSkus: string[] = [];
  for (const delta of deltas) {
    const level = stock.get(delta.sku);
    if (!level) unknownSkus.push(delta.sku);
    else if (level.available < delta.quantity) shortSkus.push(delta.sku);
  }
  return { deltas, shortSkus, unknownSkus };
}

/**
 * Explains a reservation the database refused. `rejectedSkus` are the products whose conditional update failed;
 * `stock` is a fresh read of every line's product. A rejected SKU that exists was short when the transaction ran even
 * if stock has come back since, and a SKU that the fresh read shows short is short too, so the answer names every
 * short SKU whether or not the database reported all of them.
 */
export function explainRefusedReservation(
  lines: readonly OrderLine[],
  stock: ReadonlyMap<string, StockLevel>,
  rejectedSkus: readonly string[],
): { shortSkus: string[]; unknownSkus: string[] } {
  const plan = planReservation(lines, stock);
  const short = new Set(plan.shortSkus);
  for (const sku of rejectedSkus) if (stock.has(sku)) short.add(sku);
  return { shortSkus: [...short].sort(), unknownSkus: plan.unknownSkus };
}
