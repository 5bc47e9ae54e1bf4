/**
 * Drives the planned checkouts through the real API, as their clients would: PUT the cart, POST /checkouts with an
 * idempotency key and the saga's correlation ID, retrying the same request on 429 and 5xx (which is what faults
 * cause), wait for the saga to end, then ask for the planned refunds as a support agent.
 */
import { ApiClient, devBearerTokens, errorCode, withClients } from './api-client.js';
import type { CheckoutSagaPlan, PlannedRefund } from './checkout-plan.js';
import type { ClientRecord } from './invariants.js';

export interface DriverOptions {
  readonly apiUrl: string;
  readonly concurrency: number;
  /** How long a saga may run before it counts as not terminating. */
  readonly terminationBoundMs: number;
  /**
   * Resolves when the execution named `checkoutId` closed (or at once if it already did). Without it, the client
   * polls `GET /checkouts/{id}` every half second, as API clients do.
   */
  readonly executionClosed?: (checkoutId: string) => Promise<void>;
  readonly onSagaEnded?: (record: ClientRecord) => void;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED']);

export async function driveCheckouts(
  plans: readonly CheckoutSagaPlan[],
  options: DriverOptions,
): Promise<ClientRecord[]> {
  const bearer = devBearerTokens();
  return withClients(plans, options.concurrency, async (plan) => {
    const customer = await bearer({ sub: plan.customer, roles: ['customer'], tenant: 'chaos' });
    // Asked for per saga, as the customer's: the bearer renews a token before it expires.
    const support = await bearer({ sub: 'chaos-support', roles: ['support'], tenant: 'chaos' });
    const record = await runSaga(plan, customer, support, options);
    options.onSagaEnded?.(record);
    return record;
  });
}

async function runSaga(
  plan: CheckoutSagaPlan,
  customer: string,
  support: string,
  options: DriverOptions,
): Promise<ClientRecord> {
  const api = new ApiClient(options.apiUrl, plan.correlationId);
  for (const line of plan.lines) {
    const put = await api.send('PUT', `carts/${plan.cartId}/items/${line.sku}`, customer, { quantity: line.quantity });
    if (put.status >= 400) {
      return {
        plan,
        checkoutIds: [],
        finalStatus: put.status >= 500 ? 'UNANSWERED' : 'REFUSED',
        reason: errorCode(put),
      };
    }
  }
  const posted = await api.send(
    'POST',
    'checkouts',
    customer,
    {
      cartId: plan.cartId,
      paymentToken: plan.paymentToken,
      shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' },
      ...(plan.discountCode ? { discountCode: plan.discountCode } : {}),
    },
    `${plan.correlationId}-checkout`,
  );
  const checkoutIds = api.answers
    .map((answer) => (answer.body as { checkoutId?: string } | undefined)?.checkoutId)
    .filter((id): id is string => typeof id === 'string');
  if (posted.status >= 400) {
    const finalStatus = posted.status >= 500 || posted.status === 429 ? 'UNANSWERED' : 'REFUSED';
    return { plan, checkoutIds, finalStatus, reason: errorCode(posted) };
  }
  const { checkoutId } = posted.body as { checkoutId: string };
  const closed = await Promise.race([
    (
      options.executionClosed?.(checkoutId) ??
      pollUntilEnded(api, checkoutId, customer, Date.now() + options.terminationBoundMs)
    ).then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), options.terminationBoundMs).unref()),
  ]);
  const view = await api.send('GET', `checkouts/${checkoutId}`, customer);
  const seen = view.body as { status?: string; orderId?: string; failure?: { code?: string } } | undefined;
  const status = seen?.status ?? 'UNANSWERED';
  const finalStatus = closed && TERMINAL.has(status) ? (status as 'COMPLETED' | 'FAILED') : 'RUNNING';
  if (finalStatus === 'COMPLETED' && seen?.orderId) await requestRefunds(api, plan.refunds, seen.orderId, support);
  return { plan, checkoutIds, finalStatus, reason: seen?.failure?.code };
}

async function pollUntilEnded(api: ApiClient, checkoutId: string, customer: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const view = await api.send('GET', `checkouts/${checkoutId}`, customer);
    if (TERMINAL.has(String((view.body as { status?: string } | undefined)?.status))) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The planned refunds, sent at once so that they race; a duplicated one is sent twice with the same key. */
async function requestRefunds(api: ApiClient, refunds: readonly PlannedRefund[], orderId: string, support: string) {
  const order = await api.send('GET', `orders/${orderId}`, support);
  const totalCents = (order.body as { totals?: { totalCents?: number } } | undefined)?.totals?.totalCents ?? 0;
  await Promise.all(
    refunds.flatMap((refund, index) => {
      const body = refund.share === 'full' ? {} : { amountCents: Math.max(1, Math.floor(totalCents / 2)) };
      const key = `${api.correlationId}-refund-${index}`;
      const send = () => api.send('POST', `orders/${orderId}/refunds`, support, body, key);
      return refund.duplicated ? [send(), send()] : [send()];
    }),
  );
}
