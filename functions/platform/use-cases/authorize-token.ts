/**
 * A TOKEN authorizer's decision: the bearer token's subject may call the API stage, or the token is refused with an
 * `UnauthorizedError` whose reason is logged (never the token itself).
 *
 * Two kinds of token are accepted, told apart by their issuer before anything is verified, and then each verified
 * only as its kind allows: user tokens of the identity provider (RS256, its keys), which may call every route; and
 * platform tokens of service accounts (ES256, the platform's KMS key, whose id is their `kid`), which may call their
 * project's routes only. A token naming the platform issuer is never tried against the provider's keys, nor the
 * reverse. Where the stage trusts an e2e issuer beside its provider (Staging only,
 * docs/adr/0042-an-e2e-issuer-for-staging.md), its tokens are user tokens too, told apart the same way and verified
 * with its own keys only (`issuerFor`).
 */

import { bearerTokenOf, verifyToken } from '../../../shared/auth/jwt.js';
import { verifyPlatformToken } from '../../../shared/auth/platform-keys.js';
import type { PlatformTokenTrust } from '../../../shared/auth/platform-trust-from-env.js';
import { issuerFor, type TokenTrust, unverifiedIssuerOf } from '../../../shared/auth/token-trust.js';
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
    if (platform && unverifiedIssuerOf(token) === platform.trust.issuer) {
      return await authorizePlatformToken(token, request.methodArn, platform);
    }
    // Configuration errors propagate as themselves: API Gateway answers 500, which is what a broken deployment is.
    const { issuer, keys } = await issuerFor(token, ports.trust);
    const identity = await verifyToken(token, keys, { ...ports.trust.claims(), issuer });
    const accepted = { sub: identity.sub, tenant: identity.tenant, issuer };
    // A token of the e2e issuer shows in the stage's logs (INFO), so its use can be told from the provider's users'.
    if (issuer === ports.trust.claims().issuer) logger.debug('Token accepted', accepted);
    else logger.info('E2E token accepted', accepted);
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
