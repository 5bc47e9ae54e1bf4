import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { logger, metrics, tracer } from './index.js';

/**
 * The observability middlewares every handler starts with, in the house order: logger context first (so every later
 * line carries the request id and cold-start flag), then tracing, then metrics (flushed once at the end).
 */
export function observability(): middy.MiddlewareObj[] {
  return [
    injectLambdaContext(logger, { resetKeys: true }),
    captureLambdaHandler(tracer, { captureResponse: false }),
    logMetrics(metrics, { captureColdStartMetric: true, throwOnEmptyMetrics: false }),
  ];
}
