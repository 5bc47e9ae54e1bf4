import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type middy from '@middy/core';
import { logger, metrics } from './index.js';

/**
 * The observability middlewares every handler starts with, in the house order: logger context first (so every later
 * line carries the request id and cold-start flag), then metrics (flushed once at the end). Tracing is Lambda's own
 * active tracing (docs/adr/0009-no-xray-sdk-in-functions.md).
 */
export function observability(): middy.MiddlewareObj[] {
  return [
    injectLambdaContext(logger, { resetKeys: true }),
    logMetrics(metrics, { captureColdStartMetric: true, throwOnEmptyMetrics: false }),
  ];
}
