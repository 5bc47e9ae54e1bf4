/**
 * The checkout load generator, run in a worker thread of its own so that its CPU time can be told apart from the
 * local cloud's (`process.threadCpuUsage()`), as separate client processes would be.
 *
 * Each client repeats: PUT a cart item, POST /checkouts, then wait for the saga to end before the next checkout.
 * A polling client asks `GET /checkouts/{id}` every `pollIntervalMs`, as real clients do; a non-polling client is told
 * by the main thread when the execution closed, so it adds no load of its own. Either way the saga's latency is taken
 * by the main thread from the execution's stop time, so the poll interval does not round it.
 *
 * Messages in: `run` (a level), `closed` (an execution ended). Out: `posted`, `done`, `failed`.
 */
import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { signDevToken } from '../../functions/platform/dev-keys.js';

export interface RunLevel {
  readonly type: 'run';
  readonly apiUrl: string;
  readonly sku: string;
  readonly concurrency: number;
  readonly count: number;
  readonly poll: boolean;
  readonly pollIntervalMs: number;
}

export type ToClients = RunLevel | { readonly type: 'closed'; readonly checkoutId: string };

export type FromClients =
  | { readonly type: 'posted'; readonly checkoutId: string; readonly postedAt: number }
  /** A checkout the API refused or failed (a 4xx or 5xx answer); the client goes on with the next one. */
  | { readonly type: 'request-failed'; readonly message: string }
  | { readonly type: 'done'; readonly wallMs: number; readonly cpuMs: number; readonly polls: number }
  | { readonly type: 'failed'; readonly message: string };

const port = parentPort;
if (!port) throw new Error('checkout-clients runs in a worker thread');

const closedWaiters = new Map<string, () => void>();
const closedEarly = new Set<string>();

port.on('message', (message: ToClients) => {
  if (message.type === 'closed') {
    const wake = closedWaiters.get(message.checkoutId);
    if (wake) {
      closedWaiters.delete(message.checkoutId);
      wake();
    } else {
      closedEarly.add(message.checkoutId);
    }
    return;
  }
  runLevel(message).then(
    (result) => port.postMessage({ type: 'done', ...result } satisfies FromClients),
    (error: unknown) =>
      port.postMessage({
        type: 'failed',
        message: error instanceof Error ? error.message : String(error),
      } satisfies FromClients),
  );
});

async function runLevel(level: RunLevel): Promise<{ wallMs: number; cpuMs: number; polls: number }> {
  const cpuBefore = process.threadCpuUsage();
  const started = performance.now();
  let next = 0;
  let polls = 0;
  const client = async () => {
    const token = await signDevToken({ sub: `bench-${randomUUID()}`, roles: ['customer'], tenant: 'bench' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    while (next < level.count) {
      next += 1;
      try {
        polls += await oneCheckout(level, headers);
      } catch (error) {
        port?.postMessage({
          type: 'request-failed',
          message: error instanceof Error ? error.message : String(error),
        } satisfies FromClients);
      }
    }
  };
  await Promise.all(Array.from({ length: level.concurrency }, client));
  const cpu = process.threadCpuUsage(cpuBefore);
  return { wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, polls };
}

/** PUT a cart item, POST the checkout, wait for its saga to end; answers how many polls it took. */
async function oneCheckout(level: RunLevel, headers: Record<string, string>): Promise<number> {
  const cartId = `bench-${randomUUID().slice(0, 12)}`;
  await request(level.apiUrl, 'PUT', `carts/${cartId}/items/${level.sku}`, headers, { quantity: 1 });
  const postedAt = Date.now();
  const accepted = (await request(
    level.apiUrl,
    'POST',
    'checkouts',
    { ...headers, 'Idempotency-Key': randomUUID() },
    { cartId, paymentToken: 'tok_visa', shippingAddress: { country: 'US', region: 'CA', postalCode: '94105' } },
  )) as { checkoutId: string };
  port?.postMessage({ type: 'posted', checkoutId: accepted.checkoutId, postedAt } satisfies FromClients);
  const closed = closedExecution(accepted.checkoutId);
  let polls = 0;
  if (level.poll) {
    for (;;) {
      polls += 1;
      const view = (await request(level.apiUrl, 'GET', `checkouts/${accepted.checkoutId}`, headers)) as {
        status: string;
      };
      if (view.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, level.pollIntervalMs));
    }
  }
  await closed;
  return polls;
}

function closedExecution(checkoutId: string): Promise<void> {
  if (closedEarly.delete(checkoutId)) return Promise.resolve();
  return new Promise((resolve) => closedWaiters.set(checkoutId, resolve));
}

async function request(
  apiUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as unknown;
}
