import { describe, expect, it } from 'vitest';
import { apiUrlFrom, readinessProblems } from '../../../scripts/smoke-test.js';

const READY = {
  status: 'ok',
  checks: [{ name: 'orders', status: 'ok', latencyMs: 12 }],
  version: '1.4.0',
  commit: 'a1b2c3d',
  buildDate: '2026-12-02T21:00:00Z',
  uptimeSeconds: 3,
};

describe('the release smoke test (scripts/smoke-test.ts)', () => {
  it('passes a ready stage that runs the release, its commit shortened', () => {
    // Act
    const problems = readinessProblems(200, READY, {
      version: '1.4.0',
      commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    });

    // Assess
    expect(problems).toEqual([]);
  });

  it('fails a stage that still runs the previous release', () => {
    // Act
    const problems = readinessProblems(200, { ...READY, version: '1.3.2' }, { version: '1.4.0' });

    // Assess
    expect(problems).toEqual(['version is "1.3.2", not "1.4.0"']);
  });

  it('fails a stage whose data is unreachable (503)', () => {
    // Act
    const problems = readinessProblems(503, { ...READY, status: 'fail' }, { version: '1.4.0' });

    // Assess
    expect(problems).toEqual(['/health/ready answered 503, not 200', 'status is "fail", not "ok"']);
  });

  it('fails a stage built from another commit, or reporting none', () => {
    // Act
    const other = readinessProblems(200, READY, { version: '1.4.0', commit: 'ffffffffff' });
    const unknown = readinessProblems(200, { ...READY, commit: 'unknown' }, { version: '1.4.0', commit: 'a1b2c3d4' });

    // Assess
    expect(other).toEqual(['commit is "a1b2c3d", not "ffffffffff"']);
    expect(unknown).toEqual(['commit is "unknown", not "a1b2c3d4"']);
  });

  it('finds the API URL among the stacks of a `cdk deploy --outputs-file` file', () => {
    // Act
    const url = apiUrlFrom({
      'Prod-Platform': { BusName: 'bus' },
      'Prod-Api': { ApiUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/' },
    });

    // Assess
    expect(url).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/prod/');
  });
});
