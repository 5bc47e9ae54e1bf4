/**
 * The API's TOKEN authorizer: verifies the `Authorization: Bearer <jwt>` header and allows the whole API stage for
 * the token's subject. Any failure throws exactly `Error('Unauthorized')`, which API Gateway turns into a 401; the
 * reason is logged (never the token).
 */
import middy from '@middy/core';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { UnauthorizedError } from '../../../shared/errors.js';
import { requiredEnv } from '../../../shared/idempotency.js';
import { logger } from '../../../shared/powertools/index.js';
import { observability } from '../../../shared/powertools/middlewares.js';
import { type AuthorizerPolicy, allowPolicy } from '../domain/authorizer-policy.js';
import {
  bearerTokenOf,
  importVerificationKeys,
  parsePublicKeyEntries,
  type VerificationKeys,
  verifyToken,
} from '../domain/jwt.js';

/** Imported once per execution environment: importing a PEM costs more than verifying a signature. */
let cachedKeys: { source: string; keys: Promise<VerificationKeys> } | undefined;

function verificationKeys(): Promise<VerificationKeys> {
  const source = requiredEnv('JWT_PUBLIC_KEYS');
  if (cachedKeys?.source !== source) {
    const keys = importVerificationKeys(parsePublicKeyEntries(source));
    // A failed import is not cached, so that a corrected configuration is picked up without a cold start.
    keys.catch(() => {
      if (cachedKeys?.keys === keys) cachedKeys = undefined;
    });
    cachedKeys = { source, keys };
  }
  return cachedKeys.keys;
}

async function authorize(event: APIGatewayTokenAuthorizerEvent): Promise<AuthorizerPolicy> {
  // Configuration errors propagate as themselves: API Gateway answers 500, which is what a broken deployment is.
  const keys = await verificationKeys();
  const policy = { issuer: requiredEnv('JWT_ISSUER'), audience: requiredEnv('JWT_AUDIENCE') };
  try {
    const identity = await verifyToken(bearerTokenOf(event.authorizationToken), keys, policy);
    const result = allowPolicy(identity, event.methodArn);
    logger.debug('Token accepted', { sub: identity.sub, tenant: identity.tenant });
    return result;
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    logger.info('Token refused', { reason: error.message, methodArn: event.methodArn });
    throw new Error('Unauthorized');
  }
}

export const handler = middy(authorize).use(observability());
