/**
 * The chaos clients' HTTP client: the API as a good client uses it, sending the same request again (same
 * idempotency key, same correlation ID) on 429, 5xx, no answer, or 409 REQUEST_IN_PROGRESS, with growing pauses.
 */

import { signDevToken } from '../functions/platform/dev-keys.js';

/**
 * Attempts of one request that the platform answered with 429, 5xx or 409 REQUEST_IN_PROGRESS, or did not answer:
 * about 45 s of pauses in all. A request whose idempotency record its own lost write locked stays "in progress" until
 * the function's timeout (10 s) has passed, and again if the write after that is lost too (docs/reliability.md).
 */
const MAX_ATTEMPTS = 15;

/** 409 REQUEST_IN_PROGRESS: an earlier attempt with this key holds it until it ends or its invocation would time out. */
function inProgress(answer: Answer): boolean {
  return answer.status === 409 && errorCode(answer) === 'REQUEST_IN_PROGRESS';
}

/** `{ error: { code } }`, the platform's error envelope, or the HTTP status. */
export function errorCode(answer: Answer): string {
  const code = (answer.body as { error?: { code?: string } } | undefined)?.error?.code;
  return code ?? `HTTP ${answer.status}`;
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

export class ApiClient {
  /** Every answer, retries included, in order. */
  readonly answers: Answer[] = [];

  constructor(
    private readonly apiUrl: string,
    readonly correlationId: string,
  ) {}

  /** Sends until an answer that is not 429 or 5xx, or the attempts run out; answers the last one. */
  async send(
    method: string,
    path: string,
    authorization: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<Answer> {
    let last: Answer = { status: 0, body: undefined };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      last = await this.once(method, path, authorization, body, idempotencyKey);
      this.answers.push(last);
      if (last.status !== 0 && last.status !== 429 && last.status < 500 && !inProgress(last)) return last;
      // 429, 5xx, no answer, or the same request still in progress (its first attempt's answer was lost): a good
      // client waits and sends the same request again, with the same key.
      await new Promise((resolve) => setTimeout(resolve, Math.min(4000, 100 * 2 ** attempt)));
    }
    return last;
  }

  private async once(
    method: string,
    path: string,
    authorization: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<Answer> {
    try {
      const response = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: {
          Authorization: authorization,
          'Content-Type': 'application/json',
          'X-Correlation-Id': this.correlationId,
          ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    } catch {
      return { status: 0, body: undefined };
    }
  }
}

/**
 * Runs `run` for every item with `concurrency` clients at once, each taking the next item when it is done with one;
 * the results come back in the items' order.
 */
export async function withClients<T, R>(
  items: readonly T[],
  concurrency: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const client = async () => {
    while (next < items.length) {
      const position = next;
      next += 1;
      results[position] = await run(items[position] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, client));
  return results;
}

/** How long a dev token lives (`signDevToken`'s default), and how long before its end a client signs a new one. */
const TOKEN_LIFETIME_SECONDS = 3600;
const TOKEN_RENEWAL_MARGIN_SECONDS = 600;

/**
 * `Authorization` values of dev tokens, one per principal, kept as a client keeps its token and signed again once it
 * is within ten minutes of expiring: a run longer than a token's hour must not turn into 401s. A token handed out is
 * valid for ten minutes at least, longer than any one saga's client keeps it.
 */
export function devBearerTokens(
  now: () => number = Date.now,
): (claims: { sub: string; roles: string[]; tenant: string }) => Promise<string> {
  const tokens = new Map<string, { value: Promise<string>; renewAtMs: number }>();
  return (claims) => {
    const key = JSON.stringify(claims);
    const kept = tokens.get(key);
    if (kept && now() < kept.renewAtMs) return kept.value;
    const value = signDevToken({ ...claims, expiresInSeconds: TOKEN_LIFETIME_SECONDS }).then((jwt) => `Bearer ${jwt}`);
    tokens.set(key, { value, renewAtMs: now() + (TOKEN_LIFETIME_SECONDS - TOKEN_RENEWAL_MARGIN_SECONDS) * 1000 });
    return value;
  };
}
