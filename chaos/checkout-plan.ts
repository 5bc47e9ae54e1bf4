/**
 * What the chaos run's checkouts will be, drawn from the seed alone: the products they buy (a few plentiful, two
 * scarce ones that concurrent buyers fight over), each saga's cart, discount code, payment token and refunds. The same
 * seed and count give the same plan, so a saga can be run again alone by its index.
 */
import { SeededRandom } from './random.js';

export interface ChaosProduct {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  /** Stock at the start of the run. */
  readonly stock: number;
}

interface PlannedLine {
  readonly sku: string;
  readonly quantity: number;
}

/** A refund a support agent asks for once the checkout ended: the whole order, or part of it. */
export interface PlannedRefund {
  readonly share: 'full' | 'half';
  /** The same request sent twice at once with the same idempotency key, as a client retrying would. */
  readonly duplicated: boolean;
}

export interface CheckoutSagaPlan {
  readonly index: number;
  /** Sent as `X-Correlation-Id`: the saga's identity, and the key of every fault decision about it. */
  readonly correlationId: string;
  readonly customer: string;
  readonly cartId: string;
  readonly lines: readonly PlannedLine[];
  readonly discountCode: string | undefined;
  readonly paymentToken: string;
  readonly refunds: readonly PlannedRefund[];
}

/**
 * Tokens of the simulated gateway (functions/checkout/adapters/simulated-payment-gateway.ts), by how often drawn. The
 * token is the gateway's fault interface, so the provider's faults come from the seed like every other draw: a decline,
 * an outage on the first attempt, a charge whose answer is lost, an answer 2.5 s late.
 */
export const PAYMENT_TOKENS = [
  ['tok_visa', 72],
  ['tok_chargeDeclined', 8],
  ['tok_transientError', 10],
  ['tok_timeoutAfterCapture', 6],
  ['tok_slowAnswer', 4],
] as const;

/** Valid codes, and one that does not exist (the saga refuses the cart). */
const DISCOUNT_CODES = [
  [undefined, 70],
  ['WELCOME10', 10],
  ['SAVE500', 8],
  ['TECH15', 8],
  ['NOSUCHCODE', 4],
] as const;

export function chaosCatalog(sagas: number): ChaosProduct[] {
  const plentiful = [1299, 2999, 5999, 8999, 14999, 32999].map((priceCents, index) => ({
    sku: `CHAOS-PLENTY-${index + 1}`,
    name: `Chaos plentiful product ${index + 1}`,
    priceCents,
    stock: 1_000_000,
  }));
  // Scarce enough that about a quarter of the carts that want them are refused.
  const scarceStock = Math.max(3, Math.round(sagas * 0.03));
  const scarce = [4999, 19999].map((priceCents, index) => ({
    sku: `CHAOS-SCARCE-${index + 1}`,
    name: `Chaos scarce product ${index + 1}`,
    priceCents,
    stock: scarceStock,
  }));
  return [...plentiful, ...scarce];
}

export function planCheckouts(seed: string, count: number, catalog: readonly ChaosProduct[]): CheckoutSagaPlan[] {
  const plentiful = catalog.filter((product) => product.sku.startsWith('CHAOS-PLENTY'));
  const scarce = catalog.filter((product) => product.sku.startsWith('CHAOS-SCARCE'));
  return Array.from({ length: count }, (_, index) => {
    // One generator per saga: saga i is the same whether the run has 10 sagas or 10,000.
    const random = new SeededRandom(`${seed}/checkout/${index}`);
    const skus = new Set<string>();
    const lineCount = random.integer(1, 3);
    while (skus.size < lineCount) skus.add(random.pick(plentiful).sku);
    if (random.chance(0.25)) skus.add(random.pick(scarce).sku);
    const refunds: PlannedRefund[] = [];
    if (random.chance(0.2)) {
      refunds.push({ share: random.chance(0.5) ? 'full' : 'half', duplicated: random.chance(0.3) });
      // A second refund racing the first: together they may ask for more than was paid.
      if (random.chance(0.3)) refunds.push({ share: 'half', duplicated: false });
    }
    return {
      index,
      correlationId: `chaos-${seed}-c${index}`,
      customer: `chaos-customer-${index % 97}`,
      cartId: `chaos-cart-${index}`,
      lines: [...skus].map((sku) => ({ sku, quantity: sku.startsWith('CHAOS-SCARCE') ? 1 : random.integer(1, 3) })),
      discountCode: random.weighted(DISCOUNT_CODES),
      paymentToken: random.weighted(PAYMENT_TOKENS),
      refunds,
    };
  });
}
