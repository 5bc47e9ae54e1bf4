/**
 * POST /oauth/token (public: the client authenticates with its credentials, not a token). Its own adapter rather than
 * `apiHandler`: the body is a form (RFC 6749 §4.4.2), not JSON, and errors are RFC 6749 §5.2's `{ error,
 * error_description }`, not the API's envelope; both only here.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { tuning } from '../../../../lib/config/tuning.js';
import { requiredEnv } from '../../../../shared/environment.js';
import { errorResponse } from '../../../../shared/http/error-envelope.js';
import { logger } from '../../../../shared/powertools/index.js';
import { observability } from '../../../../shared/powertools/middlewares.js';
import { dynamoServiceAccounts } from '../../adapters/dynamo-service-accounts.js';
import { eventBridgeIdentityAudit } from '../../adapters/event-bridge-audit.js';
import { kmsTokenSigner } from '../../adapters/kms-token-signer.js';
import { OAuthError, readTokenRequest } from '../../domain/oauth-request.js';
import { issueToken } from '../../use-cases/issue-token.js';

export const handler = middy(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const correlationId = event.requestContext?.requestId ?? `local-${Date.now()}`;
  try {
    const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    if (body && Buffer.byteLength(body) > tuning.api.maxRequestBodyBytes) {
      throw new OAuthError('invalid_request', 'The request body is too large');
    }
    const credentials = readTokenRequest({ headers: event.headers ?? {}, body: body ?? undefined });
    const token = await issueToken(
      { credentials, correlationId },
      {
        accounts: dynamoServiceAccounts(),
        signer: kmsTokenSigner(),
        audit: eventBridgeIdentityAudit(),
        settings: {
          issuer: requiredEnv('PLATFORM_TOKEN_ISSUER'),
          audience: requiredEnv('PLATFORM_TOKEN_AUDIENCE'),
          lifetimeSeconds: tuning.identity.tokenLifetimeSeconds,
        },
      },
    );
    return tokenResponse(200, token);
  } catch (error) {
    // Anything but a refused request (KMS or DynamoDB failing) is the API's ordinary 500 envelope.
    if (!(error instanceof OAuthError)) return errorResponse(error, correlationId);
    logger.info('Token request refused', { error: error.code, reason: error.description });
    // RFC 6749 §5.2: a client that failed to authenticate gets 401 and the scheme it may use.
    const challenge: Record<string, string> =
      error.httpStatus === 401 ? { 'WWW-Authenticate': 'Basic realm="sagastack"' } : {};
    return tokenResponse(error.httpStatus, { error: error.code, error_description: error.description }, challenge);
  }
}).use(observability());

/** RFC 6749 §5.1: "Cache-Control: no-store" and "Pragma: no-cache" on every answer that may carry a token. */
function tokenResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
    body: JSON.stringify(body),
  };
}
