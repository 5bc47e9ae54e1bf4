/**
 * Reading a token request (RFC 6749 §4.4.2) and its client authentication (§2.3.1): HTTP Basic, or `client_id` and
 * `client_secret` in the form body, never both (§2.3: "MUST NOT use more than one authentication method in each
 * request"). Pure: headers and body in, credentials or an OAuth error out.
 */
import type { OAuthErrorCode } from '../../../shared/contracts/identity-api.js';

/** A refused token request, answered as RFC 6749 §5.2 says: `{ error, error_description }`. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
  }

  /** `invalid_client` is 401 (with `WWW-Authenticate`); every other error is 400 (RFC 6749 §5.2). */
  get httpStatus(): 400 | 401 {
    return this.code === 'invalid_client' ? 401 : 400;
  }
}

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TokenHttpRequest {
  /** Header names in any case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string | undefined;
}

const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(?:;.*)?$/i;

export function readTokenRequest(request: TokenHttpRequest): ClientCredentials {
  const contentType = headerOf(request.headers, 'content-type');
  if (contentType === undefined || !FORM_MEDIA_TYPE.test(contentType.trim())) {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(request.body ?? '');
  // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1) throw new OAuthError('invalid_request', `The parameter ${name} is repeated`);
  }
  const grantType = form.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
  if (grantType !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Only client_credentials is supported');
  }
  const basic = basicCredentialsOf(headerOf(request.headers, 'authorization'));
  const formId = form.get('client_id');
  const formSecret = form.get('client_secret');
  if (basic && (formId !== null || formSecret !== null)) {
    throw new OAuthError('invalid_request', 'Authenticate with HTTP Basic or with the form body, not both');
  }
  if (basic) return basic;
  if (formId && formSecret) return { clientId: formId, clientSecret: formSecret };
  throw new OAuthError('invalid_client', 'Client authentication is required');
}

/**
 * `Basic base64(urlencode(id) ":" urlencode(secret))`: RFC 6749 §2.3.1 form-encodes both before Basic joins them,
 * so a colon inside either survives. `undefined` when there is no Authorization header at all.
 */
function basicCredentialsOf(header: string | undefined): ClientCredentials | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw new OAuthError('invalid_client', 'The Authorization header is not HTTP Basic');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'The Basic credentials have no colon');
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    if (!clientId || !clientSecret) throw new OAuthError('invalid_client', 'The Basic credentials are empty');
    return { clientId, clientSecret };
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError('invalid_client', 'The Basic credentials are not form-encoded');
  }
}

function headerOf(headers: TokenHttpRequest['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && typeof value === 'string') return value;
  }
  return undefined;
}
