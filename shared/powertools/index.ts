/**
 * Powertools singletons. Module scope on purpose: Lambda reuses them across warm invocations, and every file logs and
 * emits metrics through the same instances. Service name, namespace and log level come from the environment that
 * `AppFunction` sets (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL).
 *
 * There is no Tracer: Lambda, API Gateway and Step Functions trace each invocation themselves (active tracing), and
 * the X-Ray SDK the Powertools Tracer brings would cost every bundle 119 KB and every promise an async hook
 * (docs/adr/0009-no-xray-sdk-in-functions.md).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const logger = new Logger();
export const metrics = new Metrics();
export { MetricUnit };

/** Adds the correlation ID to every later log line of this invocation. */
export function bindCorrelationId(correlationId: string): void {
  logger.appendKeys({ correlationId });
}
