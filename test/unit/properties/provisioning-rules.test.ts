/**
 * Properties of the provisioning's pure rules (fast-check): quota decisions and their database ceilings agree, and
 * usage billing counts every millisecond a meter ran exactly once.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  addAmounts,
  DIMENSIONS,
  decideQuota,
  subtractAmounts,
  usageCeiling,
} from '../../../functions/provisioning/domain/quota.js';
import {
  hourlySlices,
  type Meter,
  MS_PER_HOUR,
  usageByProjectHour,
} from '../../../functions/provisioning/domain/usage.js';

const amounts = fc.record({
  vcpu: fc.integer({ min: 0, max: 256 }),
  memoryGiB: fc.integer({ min: 0, max: 1024 }),
  storageGiB: fc.integer({ min: 0, max: 10_000 }),
});

describe('quota', () => {
  test.prop([amounts, amounts, amounts])(
    'a demand fits exactly when usage stays within quota on every dimension, which is the ceiling the write checks',
    (quotas, used, demand) => {
      const decision = decideQuota(quotas, used, demand);
      const ceiling = usageCeiling(quotas, demand);
      const within = DIMENSIONS.every((dimension) => used[dimension] + demand[dimension] <= quotas[dimension]);
      expect(decision.fits).toBe(within);
      expect(DIMENSIONS.every((dimension) => used[dimension] <= ceiling[dimension])).toBe(within);
      expect(decision.exceeded.length === 0).toBe(within);
    },
  );

  test.prop([amounts, amounts])('releasing what was reserved gives back the usage before it', (used, demand) => {
    expect(subtractAmounts(addAmounts(used, demand), demand)).toEqual(used);
  });
});

const START = Date.UTC(2026, 0, 1);
const meter = fc
  .record({
    startOffset: fc.integer({ min: 0, max: 10 * MS_PER_HOUR }),
    duration: fc.option(fc.integer({ min: 0, max: 30 * MS_PER_HOUR }), { nil: undefined }),
    rate: fc.integer({ min: 0, max: 5_000_000 }),
    project: fc.constantFrom('prj_a', 'prj_b'),
    index: fc.nat(1000),
  })
  .map(
    ({ startOffset, duration, rate, project, index }): Meter => ({
      resourceId: `res_${index}`,
      meterId: `m_res_${index}`,
      projectId: project,
      tenantId: 'tenant-a',
      srn: `srn:sagastack:tenant-a:${project}:vm/res_${index}`,
      flavor: 'vm.small',
      ratePerHourMicros: rate,
      startedAt: new Date(START + startOffset).toISOString(),
      ...(duration === undefined ? {} : { stoppedAt: new Date(START + startOffset + duration).toISOString() }),
    }),
  );

describe('usage', () => {
  test.prop([meter, fc.integer({ min: 0, max: 48 * MS_PER_HOUR })])(
    'a meter’s hourly slices cover the time it ran up to the cut-off exactly once, never more than an hour each',
    (running, asOfOffset) => {
      const asOfMs = START + asOfOffset;
      const slices = hourlySlices(running, asOfMs);
      const startMs = Date.parse(running.startedAt);
      const endMs = Math.min(running.stoppedAt ? Date.parse(running.stoppedAt) : asOfMs, asOfMs);
      expect(slices.reduce((sum, slice) => sum + slice.ms, 0)).toBe(Math.max(0, endMs - startMs));
      expect(slices.every((slice) => slice.ms > 0 && slice.ms <= MS_PER_HOUR)).toBe(true);
      const periods = slices.map((slice) => slice.period);
      expect(periods).toEqual([...new Set(periods)].sort());
    },
  );

  // Meter ids are unique, as in the meters table where the id is the key: two meters with one id cannot be ordered.
  test.prop([
    fc.uniqueArray(meter, { maxLength: 8, selector: (generated) => generated.meterId }),
    fc.integer({ min: 0, max: 48 * MS_PER_HOUR }),
  ])('an hour’s total is the sum of its lines, and computing again gives the same figures', (meters, asOfOffset) => {
    const asOf = new Date(START + asOfOffset).toISOString();
    const usage = usageByProjectHour(meters, asOf);
    for (const hour of usage) {
      expect(hour.totalMicros).toBe(hour.lines.reduce((sum, usageLine) => sum + usageLine.amountMicros, 0));
    }
    expect(usageByProjectHour([...meters].reverse(), asOf)).toEqual(usage);
  });
});
