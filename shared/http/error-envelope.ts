/**
 * One error envelope for every API error: `{ error: { code, message, details?, correlationId } }`.
 * Errors are mapped by `instanceof`, never by matching messages.
 */
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorEnvelope } from '../contracts/common.js';
import { AppError } from '../errors.js';
import { logger } from '../powertools/index.js';

/** The envelope's one definition is the contract's (`ErrorEnvelope`, which the OpenAPI document shows). */
type ErrorBody = ErrorEnvelope;

export function errorResponse(error: unknown, correlationId: string): APIGatewayProxyResult {
  const { statusCode, body } = describeError(error, correlationId);
  if (statusCode >= 500) logger.error('Request failed', { error: error as Error });
  else logger.info('Request refused', { statusCode, code: body.error.code });
  return jsonResponse(statusCode, body, correlationId, statusCode === 503 ? { 'Retry-After': '1' } : {});
}

function describeError(error: unknown, correlationId: string): { statusCode: number; body: ErrorBody } {
  const envelope = (code: string, message: string, details?: unknown): ErrorBody => ({
    error: { code, message, ...(details === undefined ? {} : { details }), correlationId },
  });
  if (error instanceof AppError) {
    return { statusCode: error.httpStatus, body: envelope(error.code, error.message, error.details) };
  }
  if (error instanceof IdempotencyValidationError) {
    return {
      statusCode: 409,
      body: envelope('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body'),
    };
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return {
      statusCode: 409,
      body: envelope('REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry'),
    };
  }
  return { statusCode: 500, body: envelope('INTERNAL', 'An unexpected error occurred') };
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  correlationId: string,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      'X-Correlation-Id': correlationId,
      'Cache-Control': 'no-store',
      ...headers,
    },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}
