/**
 * Usage billing: how long each meter ran in each UTC hour, and what that costs. Pure: the figures depend only on the
 * meters and the instant they are computed up to, so computing an hour again gives the same numbers.
 */

export const MS_PER_HOUR = 3_600_000;

/**
 * A meter (METERS_TABLE_NAME, `resourceId` + `meterId`): what runs, since when, at what rate. StartBilling starts it
 * through the `Meters` port, the billing job reads it through `MeterSource`. `stoppedAt` is absent while it runs.
 */
export interface Meter {
  readonly resourceId: string;
  readonly meterId: string;
  readonly projectId: string;
  readonly tenantId: string;
  readonly srn: string;
  readonly flavor: string;
  /** Integer micro-dollars per hour. */
  readonly ratePerHourMicros: number;
  readonly startedAt: string;
  readonly stoppedAt?: string;
}

interface UsageLine {
  readonly resourceId: string;
  readonly srn: string;
  readonly flavor: string;
  /** Seconds of the hour the meter ran; millisecond precision, so it may have a fraction. */
  readonly seconds: number;
  readonly amountMicros: number;
}

/** One item of USAGE_TABLE_NAME, without `computedAt`. */
export interface ProjectHourUsage {
  readonly projectId: string;
  /** The UTC hour, `YYYY-MM-DDTHH`. */
  readonly period: string;
  readonly lines: readonly UsageLine[];
  readonly totalMicros: number;
}

/** `2026-01-02T03:59:59.999Z` → `2026-01-02T03`. */
export function periodOf(instantMs: number): string {
  return new Date(instantMs).toISOString().slice(0, 13);
}

/**
 * What `ms` milliseconds at `ratePerHourMicros` cost, rounded to the nearest micro-dollar (half up). Computed from
 * whole milliseconds, so no float of seconds enters the product: `round(seconds × rate / 3600)` exactly.
 */
export function amountMicrosFor(ms: number, ratePerHourMicros: number): number {
  return Math.round((ms * ratePerHourMicros) / MS_PER_HOUR);
}

/**
 * Usage per project and UTC hour of every meter, up to `asOf`: each meter counts over `[startedAt, stoppedAt ?? asOf)`
 * cut at `asOf` (a meter stopped, or started, after `asOf` is not billed beyond it). Hours where nothing ran are
 * absent, so the hour `asOf` falls in appears only once something ran in it. Each line is one meter in one hour,
 * rounded on its own; the total is the sum of the lines, so an invoice adds up.
 *
 * Sorted by project, then period; lines by resource, so the same meters always give the same items.
 */
export function usageByProjectHour(meters: readonly Meter[], asOf: string): ProjectHourUsage[] {
  const asOfMs = instant(asOf, 'asOf');
  const byProjectHour = new Map<string, { projectId: string; period: string; lines: UsageLine[] }>();
  const ordered = [...meters].sort(
    (a, b) => compare(a.resourceId, b.resourceId) || compare(a.meterId, b.meterId) || compare(a.startedAt, b.startedAt),
  );
  for (const meter of ordered) {
    for (const slice of hourlySlices(meter, asOfMs)) {
      const key = `${meter.projectId}\u0000${slice.period}`;
      let usage = byProjectHour.get(key);
      if (!usage) {
        usage = { projectId: meter.projectId, period: slice.period, lines: [] };
        byProjectHour.set(key, usage);
      }
      usage.lines.push({
        resourceId: meter.resourceId,
        srn: meter.srn,
        flavor: meter.flavor,
        seconds: slice.ms / 1000,
        amountMicros: amountMicrosFor(slice.ms, meter.ratePerHourMicros),
      });
    }
  }
  return [...byProjectHour.values()]
    .sort((a, b) => compare(a.projectId, b.projectId) || compare(a.period, b.period))
    .map(({ projectId, period, lines }) => ({
      projectId,
      period,
      lines,
      totalMicros: lines.reduce((total, line) => total + line.amountMicros, 0),
    }));
}

/** The milliseconds a meter ran in each UTC hour it overlaps, up to `asOfMs`; hours of zero overlap are left out. */
export function hourlySlices(meter: Meter, asOfMs: number): { period: string; ms: number }[] {
  const startMs = instant(meter.startedAt, `startedAt of meter ${meter.meterId}`);
  const stopMs =
    meter.stoppedAt === undefined ? asOfMs : instant(meter.stoppedAt, `stoppedAt of meter ${meter.meterId}`);
  const endMs = Math.min(stopMs, asOfMs);
  const slices: { period: string; ms: number }[] = [];
  for (let hourMs = startMs - (startMs % MS_PER_HOUR); hourMs < endMs; hourMs += MS_PER_HOUR) {
    const ms = Math.min(endMs, hourMs + MS_PER_HOUR) - Math.max(startMs, hourMs);
    if (ms > 0) slices.push({ period: periodOf(hourMs), ms });
  }
  return slices;
}

function instant(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO instant: "${value}"`);
  return ms;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
