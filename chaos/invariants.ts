/**
 * The checkout saga's promises, checked against what the stores hold once every saga has ended. Pure: a snapshot in,
 * one result per invariant out, so each rule is unit-tested on hand-made snapshots (test/unit/chaos/).
 */
import type { ChaosProduct, CheckoutSagaPlan } from './checkout-plan.js';

export interface ProductRow {
  readonly sku: string;
  readonly available: number;
  readonly reserved: number;
}
export interface ReservationRow {
  readonly checkoutId: string;
  readonly status: string;
}
export interface OrderRow {
  readonly orderId: string;
  readonly checkoutId: string;
  readonly paymentId: string;
  readonly status: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
  readonly totals: { readonly totalCents: number };
  readonly refundedCents: number;
}
export interface PaymentRow {
  readonly paymentId: string;
  readonly checkoutId: string;
  readonly amountCents: number;
  readonly refundedCents: number;
}
export interface RefundRow {
  readonly paymentId: string;
  readonly refundId: string;
  readonly amountCents: number;
}
/** A charge in the payment provider's ledger (the simulated gateway's), made under its checkout's idempotency key. */
export interface ProviderChargeRow {
  readonly checkoutId: string;
  readonly amountCents: number;
}
/** A refund in the payment provider's ledger. */
export interface ProviderRefundRow {
  readonly checkoutId: string;
  readonly refundId: string;
  readonly amountCents: number;
}
export interface CheckoutRow {
  readonly checkoutId: string;
  readonly cartId: string;
  readonly status: string;
}
export interface NotificationRow {
  readonly recipient: string;
  readonly channel: string;
  /** The EventBridge event's id: a republished event has a new one. */
  readonly eventId: string;
  readonly eventType?: string;
  readonly correlationId?: string;
}

/** Outcomes a checkout has exactly one of, announced once: at most one notification each per channel and checkout. */
const ONCE_PER_CHECKOUT = new Set(['OrderPlaced.v1', 'CheckoutFailed.v1']);

/** What the client of one saga saw. */
export interface ClientRecord {
  readonly plan: CheckoutSagaPlan;
  /** Every checkout ID the API answered for this saga's idempotency key (retries included). */
  readonly checkoutIds: readonly string[];
  /** The status the client saw last: COMPLETED, FAILED, RUNNING (gave up waiting), or REFUSED (4xx, no saga). */
  readonly finalStatus: 'COMPLETED' | 'FAILED' | 'RUNNING' | 'REFUSED' | 'UNANSWERED';
  /** Why: the API's error code for a refusal, the failure code of a failed saga. */
  readonly reason?: string;
}

export interface Snapshot {
  readonly catalog: readonly ChaosProduct[];
  readonly products: readonly ProductRow[];
  readonly reservations: readonly ReservationRow[];
  readonly orders: readonly OrderRow[];
  readonly payments: readonly PaymentRow[];
  readonly refunds: readonly RefundRow[];
  /** The payment provider's view of the same money. */
  readonly providerCharges: readonly ProviderChargeRow[];
  readonly providerRefunds: readonly ProviderRefundRow[];
  readonly checkouts: readonly CheckoutRow[];
  readonly notifications: readonly NotificationRow[];
  /** Executions of the checkout state machine by status. */
  readonly executions: Readonly<Record<string, number>>;
  readonly clients: readonly ClientRecord[];
}

export interface Violation {
  /** What broke it: a SKU, a checkout, a payment. */
  readonly subject: string;
  readonly detail: string;
  /** The saga to run again alone to reproduce it, when one is to blame. */
  readonly sagaIndex?: number;
}

export interface InvariantResult {
  readonly name: string;
  readonly promise: string;
  /** How many subjects were checked. */
  readonly checked: number;
  readonly violations: readonly Violation[];
}

type CheckOutcome = Omit<InvariantResult, 'name' | 'promise'>;
type Check = (snapshot: Snapshot, index: SnapshotIndex) => CheckOutcome;

interface SnapshotIndex {
  readonly sagaByCheckout: ReadonlyMap<string, number>;
  readonly ordersByCheckout: ReadonlyMap<string, OrderRow[]>;
  readonly paymentsByCheckout: ReadonlyMap<string, PaymentRow[]>;
}

/** An invariant that holds row by row: every row counts as checked; `judge` says what is wrong with one, if any. */
function checkEach<Row>(rows: readonly Row[], judge: (row: Row) => Violation | undefined): CheckOutcome {
  const violations: Violation[] = [];
  for (const row of rows) {
    const violation = judge(row);
    if (violation) violations.push(violation);
  }
  return { checked: rows.length, violations };
}

/**
 * Notifications that must not repeat, by key: each distinct key counts as checked, each sent more than once is a
 * violation, blamed on the saga `sagaIndexOf` names when it is given.
 */
function repeatedNotifications(
  keys: readonly string[],
  sagaIndexOf?: (key: string) => number | undefined,
): CheckOutcome {
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1);
  const violations = [...seen.entries()]
    .filter(([, count]) => count > 1)
    .map(
      ([key, count]): Violation => ({
        subject: key,
        detail: `${count} notifications`,
        ...(sagaIndexOf ? { sagaIndex: sagaIndexOf(key) } : {}),
      }),
    );
  return { checked: seen.size, violations };
}

const INVARIANTS: readonly { name: string; promise: string; check: Check }[] = [
  {
    name: 'stock.conserved',
    promise: 'for every SKU, initial stock = available + reserved + sold in placed orders',
    check: ({ catalog, products, orders }) =>
      checkEach(catalog, (product) => {
        const row = products.find((candidate) => candidate.sku === product.sku);
        const sold = orders
          .filter((order) => order.status === 'PLACED')
          .flatMap((order) => order.lines)
          .filter((line) => line.sku === product.sku)
          .reduce((sum, line) => sum + line.quantity, 0);
        const accounted = (row?.available ?? 0) + (row?.reserved ?? 0) + sold;
        if (accounted !== product.stock) {
          return {
            subject: product.sku,
            detail: `initial ${product.stock} ≠ available ${row?.available} + reserved ${row?.reserved} + sold ${sold}`,
          };
        }
        return undefined;
      }),
  },
  {
    name: 'stock.nothingHeld',
    promise: 'once every saga ended, no stock stays reserved and no reservation stays HELD',
    check: ({ catalog, products, reservations }, { sagaByCheckout }) => {
      const violations: Violation[] = [];
      for (const product of catalog) {
        const row = products.find((candidate) => candidate.sku === product.sku);
        if (row && (row.reserved !== 0 || row.available < 0)) {
          violations.push({ subject: product.sku, detail: `reserved ${row.reserved}, available ${row.available}` });
        }
      }
      for (const reservation of reservations.filter((candidate) => candidate.status === 'HELD')) {
        violations.push({
          subject: `reservation ${reservation.checkoutId}`,
          detail: 'still HELD',
          sagaIndex: sagaByCheckout.get(reservation.checkoutId),
        });
      }
      return { checked: catalog.length + reservations.length, violations };
    },
  },
  {
    name: 'money.balanced',
    promise: 'per checkout, captured − refunded = order total − order refunds if completed, 0 if failed',
    check: ({ checkouts }, { paymentsByCheckout, ordersByCheckout, sagaByCheckout }) =>
      checkEach(checkouts, (checkout) => {
        const payments = paymentsByCheckout.get(checkout.checkoutId) ?? [];
        const kept = payments.reduce((sum, payment) => sum + payment.amountCents - payment.refundedCents, 0);
        const placed = (ordersByCheckout.get(checkout.checkoutId) ?? []).filter((order) => order.status === 'PLACED');
        const owed = placed.reduce((sum, order) => sum + order.totals.totalCents - order.refundedCents, 0);
        const expected = checkout.status === 'COMPLETED' ? owed : 0;
        if (checkout.status !== 'RUNNING' && kept !== expected) {
          return {
            subject: `checkout ${checkout.checkoutId}`,
            detail: `${checkout.status}: kept ${kept} cents of ${payments.length} payment(s), expected ${expected}`,
            sagaIndex: sagaByCheckout.get(checkout.checkoutId),
          };
        }
        return undefined;
      }),
  },
  {
    name: 'money.refundsWithinCaptures',
    promise: 'refunds never exceed captures, and each payment’s refunded sum is the sum of its refunds',
    check: ({ payments, refunds }, { sagaByCheckout }) =>
      checkEach(payments, (payment) => {
        const recorded = refunds
          .filter((refund) => refund.paymentId === payment.paymentId)
          .reduce((sum, refund) => sum + refund.amountCents, 0);
        if (payment.refundedCents > payment.amountCents || recorded !== payment.refundedCents) {
          return {
            subject: `payment ${payment.paymentId}`,
            detail: `captured ${payment.amountCents}, refundedCents ${payment.refundedCents}, refunds recorded ${recorded}`,
            sagaIndex: sagaByCheckout.get(payment.checkoutId),
          };
        }
        return undefined;
      }),
  },
  {
    name: 'money.noOrphanCapture',
    promise: 'no capture without a placed order or a full refund',
    check: ({ payments, orders }, { sagaByCheckout }) =>
      checkEach(payments, (payment) => {
        if (payment.refundedCents >= payment.amountCents) return undefined;
        const order = orders.find((candidate) => candidate.paymentId === payment.paymentId);
        if (order?.status !== 'PLACED') {
          return {
            subject: `payment ${payment.paymentId}`,
            detail: `${payment.amountCents - payment.refundedCents} cents kept, order ${order ? order.status : 'missing'}`,
            sagaIndex: sagaByCheckout.get(payment.checkoutId),
          };
        }
        return undefined;
      }),
  },
  {
    name: 'money.providerAgrees',
    promise: 'per checkout, the provider’s captured − refunded = ours: no charge it made that we do not know of',
    check: ({ checkouts, providerCharges, providerRefunds }, { paymentsByCheckout, sagaByCheckout }) => {
      const violations: Violation[] = [];
      const provider = new Map<string, { captured: number; refunded: number }>();
      const at = (checkoutId: string) => {
        const entry = provider.get(checkoutId) ?? { captured: 0, refunded: 0 };
        provider.set(checkoutId, entry);
        return entry;
      };
      for (const charge of providerCharges) at(charge.checkoutId).captured += charge.amountCents;
      for (const refund of providerRefunds) at(refund.checkoutId).refunded += refund.amountCents;
      // Every checkout either side knows of; one still running may sit between the provider's answer and our record.
      const running = new Set(
        checkouts.filter((checkout) => checkout.status === 'RUNNING').map((checkout) => checkout.checkoutId),
      );
      const subjects = new Set([
        ...checkouts.map((checkout) => checkout.checkoutId),
        ...paymentsByCheckout.keys(),
        ...provider.keys(),
      ]);
      let checked = 0;
      for (const checkoutId of subjects) {
        if (running.has(checkoutId)) continue;
        checked += 1;
        const theirs = provider.get(checkoutId) ?? { captured: 0, refunded: 0 };
        const payments = paymentsByCheckout.get(checkoutId) ?? [];
        const captured = payments.reduce((sum, payment) => sum + payment.amountCents, 0);
        const refunded = payments.reduce((sum, payment) => sum + payment.refundedCents, 0);
        if (theirs.captured - theirs.refunded !== captured - refunded) {
          violations.push({
            subject: `checkout ${checkoutId}`,
            detail:
              `the provider captured ${theirs.captured} and refunded ${theirs.refunded} cents; ` +
              `we recorded ${captured} captured and ${refunded} refunded`,
            sagaIndex: sagaByCheckout.get(checkoutId),
          });
        }
      }
      return { checked, violations };
    },
  },
  {
    name: 'orders.onePerCompletedCheckout',
    promise: 'exactly one placed order per completed checkout, none for a failed one',
    check: ({ checkouts }, { ordersByCheckout, sagaByCheckout }) =>
      checkEach(checkouts, (checkout) => {
        const orders = ordersByCheckout.get(checkout.checkoutId) ?? [];
        const placed = orders.filter((order) => order.status === 'PLACED').length;
        const wanted = checkout.status === 'COMPLETED' ? 1 : 0;
        if (checkout.status !== 'RUNNING' && (placed !== wanted || orders.length > 1)) {
          return {
            subject: `checkout ${checkout.checkoutId}`,
            detail: `${checkout.status} with ${placed} placed of ${orders.length} order(s)`,
            sagaIndex: sagaByCheckout.get(checkout.checkoutId),
          };
        }
        return undefined;
      }),
  },
  {
    name: 'checkouts.onePerIdempotencyKey',
    promise: 'one checkout per idempotency key, however often the client retried',
    check: ({ clients, checkouts }) =>
      checkEach(clients, (client) => {
        const answered = new Set(client.checkoutIds);
        const stored = checkouts.filter((checkout) => checkout.cartId === client.plan.cartId).length;
        if (answered.size > 1 || stored > 1) {
          return {
            subject: `saga ${client.plan.index}`,
            detail: `the API answered ${answered.size} checkout IDs; ${stored} checkouts stored for the cart`,
            sagaIndex: client.plan.index,
          };
        }
        return undefined;
      }),
  },
  {
    name: 'sagas.terminate',
    promise: 'every saga reaches COMPLETED or FAILED within the bound; no execution stays RUNNING',
    check: ({ clients, executions, checkouts }) => {
      const violations: Violation[] = [];
      for (const client of clients) {
        if (client.finalStatus === 'RUNNING' || client.finalStatus === 'UNANSWERED') {
          violations.push({
            subject: `saga ${client.plan.index}`,
            detail: client.finalStatus === 'RUNNING' ? 'still RUNNING at the bound' : 'the API never answered',
            sagaIndex: client.plan.index,
          });
        }
      }
      for (const checkout of checkouts.filter((candidate) => candidate.status === 'RUNNING')) {
        violations.push({ subject: `checkout ${checkout.checkoutId}`, detail: 'record still RUNNING' });
      }
      const running = executions.RUNNING ?? 0;
      if (running > 0) violations.push({ subject: 'executions', detail: `${running} still RUNNING` });
      return { checked: clients.length, violations };
    },
  },
  {
    name: 'notifications.atMostOnce',
    promise: 'a customer is notified at most once per event and channel',
    check: ({ notifications }) =>
      repeatedNotifications(
        notifications.map(
          (notification) => `${notification.recipient} ${notification.eventId} ${notification.channel}`,
        ),
      ),
  },
  {
    name: 'notifications.delivered',
    promise: 'every checkout’s outcome reached its customer: none vanished on the way (after redriving the DLQs)',
    check: ({ notifications, clients }) => {
      const announced = new Set(
        notifications.map((notification) => `${notification.eventType} ${notification.correlationId}`),
      );
      const violations: Violation[] = [];
      let checked = 0;
      for (const client of clients) {
        const eventType =
          client.finalStatus === 'COMPLETED'
            ? 'OrderPlaced.v1'
            : client.finalStatus === 'FAILED'
              ? 'CheckoutFailed.v1'
              : undefined;
        if (!eventType) continue;
        checked += 1;
        if (!announced.has(`${eventType} ${client.plan.correlationId}`)) {
          violations.push({
            subject: `saga ${client.plan.index}`,
            detail: `${client.finalStatus}, but the customer got no ${eventType} notification`,
            sagaIndex: client.plan.index,
          });
        }
      }
      return { checked, violations };
    },
  },
  {
    name: 'notifications.oncePerOutcome',
    promise:
      'a checkout’s outcome (order placed, checkout failed) reaches its customer once per channel, even if republished',
    check: ({ notifications, clients }) => {
      const sagaByCorrelation = new Map(clients.map((client) => [client.plan.correlationId, client.plan.index]));
      const keys = notifications
        .filter((notification) => notification.eventType && ONCE_PER_CHECKOUT.has(notification.eventType))
        .map(
          (notification) =>
            `${notification.recipient} ${notification.eventType} ${notification.channel} ${notification.correlationId}`,
        );
      // The key ends with the correlation ID, which names the saga.
      return repeatedNotifications(keys, (key) => sagaByCorrelation.get(key.split(' ').at(-1) ?? ''));
    },
  },
];

/**
 * The part of a snapshot that belongs to the clients' sagas: their checkouts and what hangs off them, their products
 * and customers. For a store other work shares (the end-to-end suite's local cloud). Execution counts are dropped:
 * they cannot be told apart; the clients' own view and the checkout records still show a saga that did not end.
 */
export function restrictToSagas(snapshot: Snapshot): Snapshot {
  const carts = new Set(snapshot.clients.map((client) => client.plan.cartId));
  const customers = new Set(snapshot.clients.map((client) => client.plan.customer));
  const skus = new Set(snapshot.catalog.map((product) => product.sku));
  const checkouts = snapshot.checkouts.filter((checkout) => carts.has(checkout.cartId));
  const checkoutIds = new Set(checkouts.map((checkout) => checkout.checkoutId));
  const payments = snapshot.payments.filter((payment) => checkoutIds.has(payment.checkoutId));
  const paymentIds = new Set(payments.map((payment) => payment.paymentId));
  return {
    ...snapshot,
    products: snapshot.products.filter((product) => skus.has(product.sku)),
    reservations: snapshot.reservations.filter((reservation) => checkoutIds.has(reservation.checkoutId)),
    orders: snapshot.orders.filter((order) => checkoutIds.has(order.checkoutId)),
    payments,
    refunds: snapshot.refunds.filter((refund) => paymentIds.has(refund.paymentId)),
    providerCharges: snapshot.providerCharges.filter((charge) => checkoutIds.has(charge.checkoutId)),
    providerRefunds: snapshot.providerRefunds.filter((refund) => checkoutIds.has(refund.checkoutId)),
    checkouts,
    notifications: snapshot.notifications.filter((notification) => customers.has(notification.recipient)),
    executions: {},
  };
}

export function checkInvariants(snapshot: Snapshot): InvariantResult[] {
  const index = indexSnapshot(snapshot);
  return INVARIANTS.map(({ name, promise, check }) => ({ name, promise, ...check(snapshot, index) }));
}

function indexSnapshot(snapshot: Snapshot): SnapshotIndex {
  const sagaByCart = new Map(snapshot.clients.map((client) => [client.plan.cartId, client.plan.index]));
  const sagaByCheckout = new Map<string, number>();
  for (const checkout of snapshot.checkouts) {
    const saga = sagaByCart.get(checkout.cartId);
    if (saga !== undefined) sagaByCheckout.set(checkout.checkoutId, saga);
  }
  return {
    sagaByCheckout,
    ordersByCheckout: groupBy(snapshot.orders, (order) => order.checkoutId),
    paymentsByCheckout: groupBy(snapshot.payments, (payment) => payment.checkoutId),
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return groups;
}
