/** The hourly billing run: usage per project and UTC hour, from every meter, up to the run's instant. */
import { logger } from '../../../shared/powertools/index.js';
import { usageByProjectHour } from '../domain/usage.js';
import type { MeterSource, UsageLedger } from '../ports/billing.js';

export interface AggregateUsagePorts {
  readonly meters: MeterSource;
  readonly usage: UsageLedger;
}

export interface AggregateUsageSummary {
  readonly asOf: string;
  readonly meters: number;
  readonly items: number;
  readonly totalMicros: number;
}

/** Writes in small groups: quick enough for an hourly job, gentle on the table's write capacity. */
const WRITE_CONCURRENCY = 10;

/**
 * Every hour touched by any meter is recomputed on every run, running meters' hours included: the figures depend only
 * on the meters and `asOf`, so a rerun (a retried invocation, or the next hour's run) rewrites the same numbers for
 * finished hours. `computedAt` is `asOf`, not the clock, so a retried invocation writes identical items.
 */
export async function aggregateUsage(
  input: { asOf: string },
  ports: AggregateUsagePorts,
): Promise<AggregateUsageSummary> {
  const meters = await ports.meters.all();
  const usages = usageByProjectHour(meters, input.asOf);
  for (let start = 0; start < usages.length; start += WRITE_CONCURRENCY) {
    await Promise.all(
      usages
        .slice(start, start + WRITE_CONCURRENCY)
        .map((usage) => ports.usage.put({ ...usage, computedAt: input.asOf })),
    );
  }
  const summary = {
    asOf: input.asOf,
    meters: meters.length,
    items: usages.length,
    totalMicros: usages.reduce((total, usage) => total + usage.totalMicros, 0),
  };
  logger.info('Usage aggregated', { ...summary, projects: new Set(usages.map((usage) => usage.projectId)).size });
  return summary;
}
