/**
 * A TOKEN authorizer's decision: the bearer token's subject may call every route of the API stage, or the token is
 * refused with an `UnauthorizedError` whose reason is logged (never the token itself).
 */

import { bearerTokenOf, verifyToken } from '../../../shared/auth/jwt.js';
import type { TokenTrust } from '../../../shared/auth/token-trust.js';
import { UnauthorizedError } from '../../../shared/errors.js';
import { logger } from '../../../shared/powertools/index.js';
import { type AuthorizerPolicy, allowPolicy } from '../domain/authorizer-policy.js';

export interface AuthorizeTokenRequest {
  /** The `Authorization` header, `Bearer <jwt>`. */
  readonly authorizationToken: string | undefined;
  /** The execute-api ARN of the route that was asked for. */
  readonly methodArn: string;
}

export interface AuthorizeTokenPorts {
  readonly trust: TokenTrust;
}

export async function authorizeToken(
  request: AuthorizeTokenRequest,
  ports: AuthorizeTokenPorts,
): Promise<AuthorizerPolicy> {
  // Configuration errors propagate as themselves: API Gateway answers 500, which is what a broken deployment is.
  const keys = await ports.trust.keys();
  const policy = ports.trust.claims();
  try {
    const identity = await verifyToken(bearerTokenOf(request.authorizationToken), keys, policy);
    const result = allowPolicy(identity, request.methodArn);
    logger.debug('Token accepted', { sub: identity.sub, tenant: identity.tenant });
    return result;
  } catch (error) {
    if (error instanceof UnauthorizedError) {
      logger.info('Token refused', { reason: error.message, methodArn: request.methodArn });
    }
    throw error;
  }
}
