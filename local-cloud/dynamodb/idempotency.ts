/** `ClientRequestToken` bookkeeping for `TransactWriteItems`. */
import { dynamoDbError } from './errors.js';

/** How long AWS remembers a transaction's client token. */
const CLIENT_TOKEN_WINDOW_MS = 10 * 60 * 1000;

interface RememberedTransaction {
  fingerprint: string;
  response: unknown;
  expiresAt: number;
}

/**
 * Remembers successful transactions by client token. Only successes are kept: a cancelled transaction wrote nothing,
 * so retrying it with the same token must evaluate it again.
 */
export class ClientTokenRegistry {
  private readonly remembered = new Map<string, RememberedTransaction>();

  constructor(
    private readonly windowMs = CLIENT_TOKEN_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The response of the earlier success with this token and the same request, if any. A different request under a
   * known token is refused like AWS does.
   */
  replay(token: string, request: Record<string, unknown>): unknown {
    this.forgetExpired();
    const earlier = this.remembered.get(token);
    if (!earlier) return undefined;
    if (earlier.fingerprint !== fingerprintOf(request)) {
      throw dynamoDbError(
        'IdempotentParameterMismatchException',
        'The request uses the same client token as a previous, but non-identical request.',
      );
    }
    return earlier.response;
  }

  remember(token: string, request: Record<string, unknown>, response: unknown): void {
    this.remembered.set(token, {
      fingerprint: fingerprintOf(request),
      response,
      expiresAt: this.now() + this.windowMs,
    });
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [token, entry] of this.remembered) {
      if (entry.expiresAt <= now) this.remembered.delete(token);
    }
  }
}

/** The request minus its token, serialized with sorted keys so member order does not matter. */
function fingerprintOf(request: Record<string, unknown>): string {
  const { ClientRequestToken: _token, ...rest } = request;
  return stableStringify(rest);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${stableStringify(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
