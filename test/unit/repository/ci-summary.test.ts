import { describe, expect, it } from 'vitest';
import { coverageSummary, testSummary } from '../../../scripts/ci-summary.js';

describe('the CI job summary (scripts/ci-summary.ts)', () => {
  it('gives the test counts of a green run', () => {
    // Act
    const summary = testSummary({
      numTotalTests: 12,
      numPassedTests: 11,
      numFailedTests: 0,
      numPendingTests: 1,
      numTodoTests: 0,
      success: true,
      testResults: [],
    });

    // Assess
    expect(summary).toBe(
      '### Tests: passed\n\n| Passed | Failed | Skipped | Total |\n| ---: | ---: | ---: | ---: |\n| 11 | 0 | 1 | 12 |\n',
    );
  });

  it('counts todo tests as failed, as .ci/run does, and names the failed tests', () => {
    // Act
    const summary = testSummary({
      numTotalTests: 3,
      numPassedTests: 1,
      numFailedTests: 1,
      numTodoTests: 1,
      success: false,
      testResults: [
        {
          name: `${process.cwd()}/test/unit/a.test.ts`,
          assertionResults: [
            { fullName: 'a works', status: 'passed' },
            { fullName: 'a fails', status: 'failed' },
          ],
        },
      ],
    });

    // Assess
    expect(summary).toContain('### Tests: failed');
    expect(summary).toContain('| 1 | 2 | 0 | 3 |');
    expect(summary).toContain('- `test/unit/a.test.ts`: a fails');
    expect(summary).not.toContain('a works');
  });

  it('says so when the suite wrote no report', () => {
    // Act
    const summary = testSummary(undefined);

    // Assess
    expect(summary).toContain('No test report');
  });

  it('gives the coverage percentages', () => {
    // Act
    const summary = coverageSummary({
      total: { lines: { pct: 83.014 }, statements: { pct: 82.1 }, functions: { pct: 84 }, branches: { pct: 76.26 } },
    });

    // Assess
    expect(summary).toContain('| 83.01% | 82.10% | 84.00% | 76.26% |');
  });
});
