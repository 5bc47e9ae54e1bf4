/** Readiness rules: which tables to probe and how the probes add up. Pure. */

export interface TableToProbe {
  readonly tableName: string;
  readonly partitionKey: string;
  /** Needed for tables with a composite key: a GetItem must name the whole key. */
  readonly sortKey?: string;
}

interface BuildInfo {
  readonly version: string;
  readonly commit: string;
  readonly buildDate: string;
}

/** What a readiness check is about: the tables to probe, and what it reports besides (the build, the uptime). */
export interface ReadinessInput {
  readonly tables: readonly TableToProbe[];
  readonly build: BuildInfo;
  readonly uptimeSeconds: number;
}

export type CheckStatus = 'ok' | 'fail';

export interface HealthCheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly latencyMs: number;
}

/**
 * HEALTH_CHECK_TABLES is `name:partitionKey[:sortKey]` entries, comma-separated, e.g. `tbl-a:sku,tbl-b:pk:sk`. Key
 * names differ per table, and a GetItem naming the wrong key is refused, which would read as an outage. Table names
 * cannot contain `:` or `,`, so the separators are unambiguous.
 */
export function parseHealthCheckTables(value: string): TableToProbe[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [tableName, partitionKey, sortKey, ...extra] = entry.split(':').map((part) => part.trim());
      if (!tableName || !partitionKey || sortKey === '' || extra.length > 0) {
        throw new Error(`HEALTH_CHECK_TABLES entry "${entry}" is not name:partitionKey[:sortKey]`);
      }
      return { tableName, partitionKey, ...(sortKey ? { sortKey } : {}) };
    });
}

/** Ready only if every dependency answered: a half-ready instance would fail the requests that need the rest. */
export function overallStatus(checks: readonly HealthCheckResult[]): CheckStatus {
  return checks.every((check) => check.status === 'ok') ? 'ok' : 'fail';
}
