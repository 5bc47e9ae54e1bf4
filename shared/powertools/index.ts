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

/**
 * Keys whose values never reach a log line, at any depth, whatever their case: payment details and personal data a
 * request carries (ADR 0029), credentials (an `Authorization` header, bearer and ID tokens, passwords, secrets) and an
 * agent's signed proof. The code does not log them on purpose; this catches the line that does by accident, such as
 * an event or a request logged whole. It matches keys, not values: a token pasted into a message is not found.
 */
export const SENSITIVE_LOG_KEYS = [
  'paymentToken',
  'shippingAddress',
  'authorization',
  'token',
  'idToken',
  'accessToken',
  'password',
  'cardNumber',
  'cvv',
  'secret',
  'proof',
  // Personal data (docs/adr/0040): the contact and its parts, and the sealed form, which is no one's business either.
  'contact',
  'email',
  'phone',
  'personalData',
] as const;

export const REDACTED = '[REDACTED]';

const sensitiveKeys = new Set<string>(SENSITIVE_LOG_KEYS.map((key) => key.toLowerCase()));

/**
 * The logger's JSON replacer: JSON.stringify calls it for every key of the log line, nested ones included, so the
 * value of a sensitive key, whatever it holds (a string, an object), is replaced before anything in it is written.
 */
function redactSensitiveKeys(key: string, value: unknown): unknown {
  return sensitiveKeys.has(key.toLowerCase()) ? REDACTED : value;
}

export const logger = new Logger({ jsonReplacerFn: redactSensitiveKeys });
export const metrics = new Metrics();
export { MetricUnit };

/** Adds the correlation ID to every later log line of this invocation. */
export function bindCorrelationId(correlationId: string): void {
  logger.appendKeys({ correlationId });
}
