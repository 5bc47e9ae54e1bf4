/**
 * Meters (METERS_TABLE_NAME): StartBilling starts a resource's meter, StopBilling stops it. The meter itself is the
 * domain's `Meter` (domain/usage.ts), the one definition this port and the billing rules share.
 */
import type { Meter } from '../domain/usage.js';

export interface Meters {
  /** Starts the meter unless it exists; then answers the existing one (never a second meter). */
  start(meter: Omit<Meter, 'stoppedAt'>): Promise<{ started: boolean; meter: Meter }>;
  /** Sets `stoppedAt` once; `false` when the meter does not exist or is stopped already. */
  stop(resourceId: string, meterId: string, at: string): Promise<boolean>;
}
