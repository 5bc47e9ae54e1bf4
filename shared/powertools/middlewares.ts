import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { logger, metrics } from './index.js';

/**
 * The observability middlewares every handler starts with, in the house order: logger context first (so every later
 * line carries the request id and cold-start flag), then metrics (flushed once at the end). Tracing is Lambda's own
 * active tracing (docs/adr/0009-no-xray-sdk-in-functions.md).
 */
export function observability(): middy.MiddlewareObj[] {
  return [injectLambdaContext(logger, { resetKeys: true }), publishMetrics(metrics)];
}

/**
 * Powertools' `logMetrics`, without its warning: it logs "No application metrics to publish" on every invocation that
 * added none, which is most of them (one line of ingested logs per invocation, and noise around every real line).
 * Emits the cold-start metric once per environment, then the invocation's metrics if it added any.
 */
export function publishMetrics(target: Metrics): middy.MiddlewareObj {
  const publish = async () => {
    if (target.hasStoredMetrics()) target.publishStoredMetrics();
  };
  return {
    before: async (request) => {
      target.captureColdStartMetric(request.context.functionName);
    },
    after: publish,
    onError: publish,
  };
}
