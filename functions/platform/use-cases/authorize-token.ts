/**
 * A TOKEN authorizer's decision: the bearer token's subject may call the API stage, or the token is refused with an
 * `UnauthorizedError` whose reason is logged (never the token itself).
 *
 * Two kinds of token are accepted, told apart by their issuer before anything is verified, and then each verified
 * only as its kind allows: user tokens of the identity provider (RS256, its keys), which may call every route; and
 * platform tokens of service accounts (ES256, the platform's KMS key, whose id is their `kid`), which may call their
 * project's routes only. A token naming the platform issuer is never tried against the provider's keys, nor the
 * reverse.
 */

import { decodeJwt } from 'jose';
import { bearerTokenOf, verifyToken } from '../../../shared/auth/jwt.js';
import { verifyPlatformToken } from '../../../shared/auth/platform-keys.js';
import type { PlatformTokenTrust } from '../../../shared/auth/platform-trust-from-env.js';
import type { TokenTrust } from '../../../shared/auth/token-trust.js';
import { UnauthorizedError } from '../../../shared/errors.js';
import { logger, MetricUnit, metrics } from '../../../shared/powertools/index.js';
import { type AuthorizerPolicy, allowPolicy } from '../domain/authorizer-policy.js';
import type { TokenUseAudit } from '../ports/token-use-audit.js';

export interface AuthorizeTokenRequest {
  /** The `Authorization` header, `Bearer <jwt>`. */
  readonly authorizationToken: string | undefined;
  /** The execute-api ARN of the route that was asked for. */
  readonly methodArn: string;
}

export interface AuthorizeTokenPorts {
  readonly trust: TokenTrust;
  /** Platform-issued tokens; without it, the stage accepts user tokens only. */
  readonly platform?: { readonly trust: PlatformTokenTrust; readonly audit: TokenUseAudit };
}

export async function authorizeToken(
  request: AuthorizeTokenRequest,
  ports: AuthorizeTokenPorts,
): Promise<AuthorizerPolicy> {
  try {
    const token = bearerTokenOf(request.authorizationToken);
    const { platform } = ports;
    if (platform && issuerOf(token) === platform.trust.issuer) {
      return await authorizePlatformToken(token, request.methodArn, platform);
    }
    // Configuration errors propagate as themselves: API Gateway answers 500, which is what a broken deployment is.
    const keys = await ports.trust.keys();
    const identity = await verifyToken(token, keys, ports.trust.claims());
    logger.debug('Token accepted', { sub: identity.sub, tenant: identity.tenant });
    return allowPolicy(identity, request.methodArn);
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      logger.info('Token refused', { reason: error.message, methodArn: request.methodArn });
    }
    throw error;
  }
}

async function authorizePlatformToken(
  token: string,
  methodArn: string,
  platform: NonNullable<AuthorizeTokenPorts['platform']>,
): Promise<AuthorizerPolicy> {
  const { issuer, audience, keys } = platform.trust;
  const identity = await verifyPlatformToken(token, keys, { issuer, audience });
  const policy = allowPolicy(identity, methodArn);
  // One record per authorizer invocation: API Gateway keeps the policy for the cache TTL, so that is about once per
  // token and TTL, not once per request (docs/service-accounts.md). A failed record does not refuse the token: the
  // audit's own alarm and metric say so, and the token is bounded by its 15 minutes anyway.
  try {
    await platform.audit.recordUse(identity, methodArn);
  } catch (error) {
    metrics.addMetric('AuditPublishFailed', MetricUnit.Count, 1);
    logger.error('The token use could not be audited', { sub: identity.sub, error: error as Error });
  }
  logger.debug('Platform token accepted', { sub: identity.sub, tenant: identity.tenant, project: identity.project });
  return policy;
}

/** The unverified `iss`, only to choose which verification applies; a token that is no JWT is refused here. */
function issuerOf(token: string): string | undefined {
  try {
    return decodeJwt(token).iss;
  } catch (cause) {
    throw new UnauthorizedError('The token payload is not valid', { cause });
  }
}
