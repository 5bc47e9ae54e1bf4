/**
 * `tsx scripts/ci-summary.ts [report] [coverage-summary]`: the GitHub job summary of a CI run, in Markdown, from the
 * report `npm test` writes (`.vitest-results.json`, what `.ci/run` reads) and, when given, the coverage summary of
 * `npm run coverage` (`coverage/coverage-summary.json`). The workflow appends it to `$GITHUB_STEP_SUMMARY`:
 * https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The members of vitest's JSON report (and of run-tests.mjs's merged one) that the summary reads. */
export interface TestReport {
  readonly numTotalTests?: number;
  readonly numPassedTests?: number;
  readonly numFailedTests?: number;
  readonly numPendingTests?: number;
  readonly numTodoTests?: number;
  readonly success?: boolean;
  readonly testResults?: ReadonlyArray<{
    readonly name?: string;
    readonly assertionResults?: ReadonlyArray<{ readonly fullName?: string; readonly status?: string }>;
  }>;
}

/** Istanbul's json-summary: `total.lines.pct` and so on. */
export interface CoverageSummary {
  readonly total: Record<'lines' | 'statements' | 'functions' | 'branches', { readonly pct: number }>;
}

/** Failed tests listed in the summary; the rest are in the log. */
const LISTED_FAILURES = 20;

export function testSummary(report: TestReport | undefined): string {
  if (!report) return '### Tests\n\nNo test report: the suite did not reach the test runner (see the log).\n';
  const failed = (report.numFailedTests ?? 0) + (report.numTodoTests ?? 0);
  const lines = [
    `### Tests: ${report.success && failed === 0 ? 'passed' : 'failed'}`,
    '',
    '| Passed | Failed | Skipped | Total |',
    '| ---: | ---: | ---: | ---: |',
    `| ${report.numPassedTests ?? 0} | ${failed} | ${report.numPendingTests ?? 0} | ${report.numTotalTests ?? 0} |`,
  ];
  const failures = (report.testResults ?? []).flatMap((file) =>
    (file.assertionResults ?? [])
      .filter((test) => test.status === 'failed')
      .map((test) => `- \`${relative(file.name)}\`: ${test.fullName ?? 'unnamed'}`),
  );
  if (failures.length > 0) {
    lines.push('', '<details><summary>Failed tests</summary>', '', ...failures.slice(0, LISTED_FAILURES));
    if (failures.length > LISTED_FAILURES) lines.push(`- and ${failures.length - LISTED_FAILURES} more`);
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

export function coverageSummary(summary: CoverageSummary): string {
  const row = (['lines', 'statements', 'functions', 'branches'] as const)
    .map((measure) => `${summary.total[measure].pct.toFixed(2)}%`)
    .join(' | ');
  return [
    '### Coverage of functions/ and shared/ (unit tests; lines must reach 80%)',
    '',
    '| Lines | Statements | Functions | Branches |',
    '| ---: | ---: | ---: | ---: |',
    `| ${row} |`,
    '',
  ].join('\n');
}

/** A test file's path from the repository root, as vitest reports it absolute. */
function relative(path: string | undefined): string {
  if (!path) return 'unknown file';
  const root = `${process.cwd()}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function main(): void {
  const [reportPath = '.vitest-results.json', coveragePath] = process.argv.slice(2);
  if (coveragePath) {
    const coverage = readJson<CoverageSummary>(coveragePath);
    console.log(coverage ? coverageSummary(coverage) : `### Coverage\n\nNo coverage summary at ${coveragePath}.\n`);
    return;
  }
  console.log(testSummary(readJson<TestReport>(reportPath)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
