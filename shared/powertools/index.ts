/**
 * Powertools singletons. Module scope on purpose: Lambda reuses them across warm invocations, and every file logs,
 * traces and emits metrics through the same instances. Service name, namespace and log level come from the
 * environment that `AppFunction` sets (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const logger = new Logger();
export const tracer = new Tracer();
export const metrics = new Metrics();
export { MetricUnit };

/** Adds the correlation ID to every later log line of this invocation and to the trace. */
export function bindCorrelationId(correlationId: string): void {
  logger.appendKeys({ correlationId });
  tracer.putAnnotation('correlationId', correlationId);
}
