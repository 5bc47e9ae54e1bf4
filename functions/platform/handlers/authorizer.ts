/**
 * The API's TOKEN authorizer: verifies the `Authorization: Bearer <jwt>` header and allows the whole API stage for
 * the token's subject. Any failure throws exactly `Error('Unauthorized')`, which API Gateway turns into a 401; the
 * reason is logged (never the token).
 */
import middy from '@middy/core';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { tokenTrustFromEnv } from '../../../shared/auth/token-trust-from-env.js';
import { UnauthorizedError } from '../../../shared/errors.js';
import { observability } from '../../../shared/powertools/middlewares.js';
import { authorizeToken } from '../use-cases/authorize-token.js';

/** One per execution environment: it keeps the keys it imported for the invocations that follow. */
const trust = tokenTrustFromEnv();

export const handler = middy(async (event: APIGatewayTokenAuthorizerEvent) => {
  try {
    return await authorizeToken(event, { trust });
  } catch (error) {
    // Configuration errors stay themselves (a 500); a refused token becomes the one message API Gateway reads as 401.
    throw error instanceof UnauthorizedError ? new Error('Unauthorized') : error;
  }
}).use(observability());
