/**
 * The API's TOKEN authorizer: verifies the `Authorization: Bearer <jwt>` header, a user's token or a service
 * account's platform token, and allows the API stage (or, for a platform token, its project) to the token's subject.
 * Any failure throws exactly `Error('Unauthorized')`, which API Gateway turns into a 401; the reason is logged (never
 * the token).
 */
import middy from '@middy/core';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { platformTokenTrustFromEnv } from '../../../shared/auth/platform-trust-from-env.js';
import { tokenTrustFromEnv } from '../../../shared/auth/token-trust-from-env.js';
import { UnauthorizedError } from '../../../shared/errors.js';
import { observability } from '../../../shared/powertools/middlewares.js';
import { eventBridgeTokenUseAudit } from '../adapters/event-bridge-token-use.js';
import { authorizeToken } from '../use-cases/authorize-token.js';

/** One per execution environment: it keeps the keys it imported for the invocations that follow. */
const trust = tokenTrustFromEnv();
const platformTrust = platformTokenTrustFromEnv();
const platform = platformTrust && { trust: platformTrust, audit: eventBridgeTokenUseAudit() };

export const handler = middy(async (event: APIGatewayTokenAuthorizerEvent) => {
  try {
    return await authorizeToken(event, { trust, ...(platform ? { platform } : {}) });
  } catch (error) {
    // Configuration errors stay themselves (a 500); a refused token becomes the one message API Gateway reads as 401.
    throw error instanceof UnauthorizedError ? new Error('Unauthorized') : error;
  }
}).use(observability());
