import { describe, expect, it } from 'vitest';
import { overallStatus, parseHealthCheckTables } from '../../../../functions/platform/domain/health.js';

describe('parseHealthCheckTables', () => {
  it('reads name:partitionKey[:sortKey] entries, ignoring blanks and spaces', () => {
    // Assess
    expect(parseHealthCheckTables(' tbl-a:sku , tbl-b:pk:sk,, ')).toEqual([
      { tableName: 'tbl-a', partitionKey: 'sku' },
      { tableName: 'tbl-b', partitionKey: 'pk', sortKey: 'sk' },
    ]);
  });

  it.each([['tbl-a'], ['tbl-a:'], [':sku'], ['tbl-a:pk:'], ['tbl-a:pk:sk:extra']])(
    'refuses the entry "%s"',
    (value) => {
      // Assess
      expect(() => parseHealthCheckTables(value)).toThrow(/name:partitionKey/);
    },
  );
});

describe('overallStatus', () => {
  it('is ok only when every check is ok (and when there is nothing to check)', () => {
    // Assess
    expect(overallStatus([])).toBe('ok');
    expect(overallStatus([{ name: 'a', status: 'ok', latencyMs: 1 }])).toBe('ok');
    expect(
      overallStatus([
        { name: 'a', status: 'ok', latencyMs: 1 },
        { name: 'b', status: 'fail', latencyMs: 2000 },
      ]),
    ).toBe('fail');
  });
});
