/** Meters (METERS_TABLE_NAME, `resourceId` + `meterId`): what runs, since when, at what rate. The billing worker reads them. */
export interface MeterRecord {
  readonly resourceId: string;
  readonly meterId: string;
  readonly projectId: string;
  readonly tenantId: string;
  readonly srn: string;
  readonly flavor: string;
  readonly ratePerHourMicros: number;
  readonly startedAt: string;
  readonly stoppedAt?: string;
}

export interface Meters {
  /** Starts the meter unless it exists; then answers the existing one (never a second meter). */
  start(meter: Omit<MeterRecord, 'stoppedAt'>): Promise<{ started: boolean; meter: MeterRecord }>;
  /** Sets `stoppedAt` once; `false` when the meter does not exist or is stopped already. */
  stop(resourceId: string, meterId: string, at: string): Promise<boolean>;
}
