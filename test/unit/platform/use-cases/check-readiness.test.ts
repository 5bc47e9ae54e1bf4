import { describe, expect, it, vi } from 'vitest';
import { checkReadiness } from '../../../../functions/platform/use-cases/check-readiness.js';

describe('checkReadiness', () => {
  it('measures each probe with the clock it is given', async () => {
    // Prepare
    const times = [100, 112.4, 200, 250.6];
    const now = () => times.shift() ?? 0;
    const probe = { probe: vi.fn(async () => undefined) };

    // Act
    const ready = await checkReadiness(
      {
        tables: [{ tableName: 'a', partitionKey: 'id' }],
        build: { version: 'v', commit: 'c', buildDate: 'd' },
        uptimeSeconds: 42,
      },
      { probe, now },
    );

    // Assess
    expect(ready).toEqual({
      status: 'ok',
      checks: [{ name: 'a', status: 'ok', latencyMs: 12 }],
      version: 'v',
      commit: 'c',
      buildDate: 'd',
      uptimeSeconds: 42,
    });
  });
});
