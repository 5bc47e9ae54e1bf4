/** What the stage decides for deliveries (lib/config/stages.ts, defaults in lib/config/tuning.ts). */
import type { EndpointPolicy } from '../domain/endpoint-url.js';
import type { RetrySchedule } from '../domain/retry-schedule.js';

export interface DeliverySettings extends EndpointPolicy {
  readonly retrySchedule: RetrySchedule;
  readonly requestTimeoutMs: number;
  /** Concurrent calls to one endpoint at most. */
  readonly endpointConcurrency: number;
  /** How soon a delivery that found its endpoint's slots all held is tried again. */
  readonly busyEndpointRetrySeconds: number;
  /** How long the previous secret keeps signing after a rotation. */
  readonly secretOverlapSeconds: number;
}

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
