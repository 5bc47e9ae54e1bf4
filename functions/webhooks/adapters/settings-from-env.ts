/** The delivery settings the stack wrote into the function's environment (lib/stacks/webhooks-stack.ts). */
import { requiredEnv } from '../../../shared/environment.js';
import type { DeliverySettings } from '../ports/settings.js';

export function deliverySettingsFromEnv(): DeliverySettings {
  return {
    allowLoopbackHttp: requiredEnv('WEBHOOK_LOOPBACK_HTTP') === 'on',
    retrySchedule: JSON.parse(requiredEnv('WEBHOOK_RETRY_SCHEDULE')),
    requestTimeoutMs: Number(requiredEnv('WEBHOOK_REQUEST_TIMEOUT_MS')),
    endpointConcurrency: Number(requiredEnv('WEBHOOK_ENDPOINT_CONCURRENCY')),
    busyEndpointRetrySeconds: Number(requiredEnv('WEBHOOK_BUSY_RETRY_SECONDS')),
    secretOverlapSeconds: Number(requiredEnv('WEBHOOK_SECRET_OVERLAP_SECONDS')),
  };
}
