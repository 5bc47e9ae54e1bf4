/** What the billing worker reads (the meters) and writes (usage per project and hour). */
import type { Meter, ProjectHourUsage } from '../domain/usage.js';

export interface MeterSource {
  /** Every meter, running or stopped. */
  all(): Promise<Meter[]>;
}

/** A usage item as stored: the figures plus the instant they were computed up to. */
interface UsageRecord extends ProjectHourUsage {
  readonly computedAt: string;
}

export interface UsageLedger {
  /** Writes the project's usage for the hour, replacing whatever was there (a recomputation gives the same figures). */
  put(usage: UsageRecord): Promise<void>;
}
