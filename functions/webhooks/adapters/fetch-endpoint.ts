/**
 * The receiver's endpoint over `fetch`. Redirects are not followed (a 3xx is a failed attempt): following one would
 * send the signed body wherever the receiver, or whoever controls its DNS, points. The body of the answer is not read
 * beyond what closing the connection needs.
 */
import type { Endpoint } from '../ports/endpoint.js';

export function fetchEndpoint(): Endpoint {
  return {
    async post(request) {
      const started = performance.now();
      try {
        const response = await fetch(request.url, {
          method: 'POST',
          headers: request.headers,
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(request.timeoutMs),
        });
        await response.body?.cancel();
        return { statusCode: response.status, latencyMs: performance.now() - started };
      } catch (error) {
        const reason = isTimeout(error) ? `no answer within ${request.timeoutMs} ms` : describe(error);
        return { error: reason, latencyMs: performance.now() - started };
      }
    },
  };
}

/** The signal's abort, by name: a DOMException of whichever realm made the signal, not always an `Error` here. */
function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}

/** `fetch failed` alone says nothing; its cause (ECONNREFUSED, a TLS error) says what happened. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause =
    error.cause instanceof Error ? `: ${(error.cause as Error & { code?: string }).code ?? error.cause.message}` : '';
  return `${error.message}${cause}`;
}
