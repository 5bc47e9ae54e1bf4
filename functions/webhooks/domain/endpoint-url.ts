/**
 * Which URLs a webhook may deliver to. Pure: no AWS imports.
 *
 * Deliveries go over HTTPS only, so that the body and its signature cannot be read or replayed on the way. Plain HTTP
 * is accepted for a loopback host alone, and only where the stage says so (`webhooks.allowLoopbackHttp`, the local
 * stage), so that a receiver on the developer's machine needs no certificate. Everywhere else, a loopback or private
 * address literal is refused: a webhook must not make the platform call into its own network.
 */

export interface EndpointPolicy {
  /** Plain HTTP to 127.0.0.1, ::1 or localhost is accepted (the local stage). */
  readonly allowLoopbackHttp: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Address literals of private, link-local (the instance metadata service at 169.254.169.254), loopback and
 * unspecified ranges. Only literals are caught here: a name that resolves to such an address is the known limit of a
 * check made before DNS (docs/webhooks.md, "Known limits").
 */
const INTERNAL_ADDRESS = [
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^0\./,
  /^\[(::1?|f[cd][0-9a-f]{2}:.*|fe80:.*)\]$/i,
];

/** Why `url` cannot be a webhook endpoint under `policy`, or `undefined` when it can. */
export function endpointRefusal(url: string, policy: EndpointPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials';
  if (parsed.hash) return 'must not carry a fragment';
  const host = parsed.hostname.toLowerCase();
  const loopback = LOOPBACK_HOSTS.has(host);
  if (parsed.protocol === 'http:') {
    if (loopback && policy.allowLoopbackHttp) return undefined;
    return policy.allowLoopbackHttp ? 'must use https (plain http is for loopback only)' : 'must use https';
  }
  if (parsed.protocol !== 'https:') return 'must use https';
  if ((loopback || INTERNAL_ADDRESS.some((pattern) => pattern.test(host))) && !policy.allowLoopbackHttp) {
    return 'must not point at a loopback, private or link-local address';
  }
  return undefined;
}
