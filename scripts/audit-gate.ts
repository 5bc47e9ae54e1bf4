/**
 * `npm run audit:gate`: fails when any installed package has a high or critical advisory, and fails just as loudly
 * when the registry gives no audit report at all (offline, a mirror without the bulk-advisory endpoint, an outage).
 * `npm audit` alone exits non-zero in both cases, so a CI step that tolerates its exit code ("moderate advisories are
 * fine") would also tolerate an audit that never happened; this gate reads the report and names which of the two it is.
 *
 * The report is npm's `auditReportVersion` 2 (npm 7 and later; https://github.com/npm/npm-audit-report): counts per
 * severity under `metadata.vulnerabilities`, and each vulnerable package under `vulnerabilities` with its `severity`.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Severities that fail the gate; `low` and `moderate` are reported but let the build through. */
const BLOCKING_SEVERITIES = ['high', 'critical'] as const;

type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

/** The gate's decision on one `npm audit --json` output. */
export type AuditVerdict =
  | { readonly outcome: 'passed'; readonly message: string }
  | { readonly outcome: 'vulnerable'; readonly message: string; readonly packages: readonly string[] }
  | { readonly outcome: 'unavailable'; readonly message: string };

interface AuditReport {
  readonly auditReportVersion?: number;
  readonly vulnerabilities?: Record<string, { readonly severity?: Severity }>;
  readonly metadata?: { readonly vulnerabilities?: Partial<Record<Severity | 'total', number>> };
  readonly message?: string;
  readonly error?: { readonly code?: string; readonly summary?: string };
}

/** Decides from what `npm audit --json` printed; its exit code says nothing the report does not. */
export function decideAudit(auditJson: string): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(auditJson) as AuditReport;
  } catch {
    const firstLine = auditJson.trim().split('\n')[0] ?? '';
    return {
      outcome: 'unavailable',
      message: `npm audit printed no JSON report, so nothing was audited${firstLine ? `: ${firstLine}` : ''}`,
    };
  }
  const counts = report.metadata?.vulnerabilities;
  if (report.auditReportVersion !== 2 || !counts) {
    // npm prints `{ message, error }` instead of a report when the advisory endpoint fails (e.g. `405 Method Not
    // Allowed - POST .../advisories/bulk` from a mirror that serves only packages).
    const reason = report.message || report.error?.summary || report.error?.code || 'no audit report in the output';
    return {
      outcome: 'unavailable',
      message: `The registry could not answer the audit, so nothing was audited: ${reason}`,
    };
  }
  const summary = (['critical', 'high', 'moderate', 'low'] as const)
    .map((severity) => `${counts[severity] ?? 0} ${severity}`)
    .join(', ');
  const packages = Object.entries(report.vulnerabilities ?? {})
    .filter(([, vulnerability]) => isBlocking(vulnerability.severity))
    .map(([name, vulnerability]) => `${name} (${vulnerability.severity})`)
    .sort();
  const blocking = BLOCKING_SEVERITIES.reduce((total, severity) => total + (counts[severity] ?? 0), 0);
  if (blocking > 0 || packages.length > 0) {
    return {
      outcome: 'vulnerable',
      message: `npm audit found advisories of high or critical severity (${summary}): ${packages.join(', ')}`,
      packages,
    };
  }
  return { outcome: 'passed', message: `npm audit: no high or critical advisories (${summary})` };
}

function isBlocking(severity: Severity | undefined): boolean {
  return (BLOCKING_SEVERITIES as readonly string[]).includes(severity ?? '');
}

function main(): void {
  const audit = spawnSync('npm', ['audit', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (audit.error) {
    console.error(`npm audit could not run, so nothing was audited: ${audit.error.message}`);
    process.exitCode = 1;
    return;
  }
  const verdict = decideAudit(audit.stdout);
  if (verdict.outcome === 'passed') {
    console.log(verdict.message);
    return;
  }
  console.error(verdict.message);
  process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
