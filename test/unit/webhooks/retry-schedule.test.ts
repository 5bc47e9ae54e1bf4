/** The retry schedule's bounds, over generated schedules and jitter, and the length of the tuning's default one. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  retryCeilingSeconds,
  retryDelaySeconds,
  SQS_MAX_VISIBILITY_SECONDS,
} from '../../../functions/webhooks/domain/retry-schedule.js';
import { tuning } from '../../../lib/config/tuning.js';

const schedule = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 20 }),
  firstRetrySeconds: fc.integer({ min: 1, max: 600 }),
  backoffRate: fc.double({ min: 1, max: 4, noNaN: true }),
  maxDelaySeconds: fc.integer({ min: 1, max: 24 * 3600 }),
});

describe('retryDelaySeconds', () => {
  test.prop([schedule, fc.integer({ min: 1, max: 25 }), fc.double({ min: 0, max: 0.999999, noNaN: true })])(
    'is half to all of the capped exponential step, never above what SQS can hold, and none after the last attempt',
    (plan, failedAttempt, random) => {
      // Act
      const delay = retryDelaySeconds(failedAttempt, plan, () => random);

      // Assess
      if (failedAttempt >= plan.maxAttempts) {
        expect(delay).toBeUndefined();
        return;
      }
      const ceiling = retryCeilingSeconds(failedAttempt, plan);
      expect(delay).toBeGreaterThanOrEqual(Math.max(1, Math.floor(ceiling / 2)));
      expect(delay).toBeLessThanOrEqual(Math.ceil(ceiling));
      expect(delay).toBeLessThanOrEqual(SQS_MAX_VISIBILITY_SECONDS);
    },
  );

  it('spans about a day with the tuning: 14½ h at the least, 29 h at the most', () => {
    // Prepare
    const { retrySchedule } = tuning.webhooks;
    const failed = Array.from({ length: retrySchedule.maxAttempts - 1 }, (_, index) => index + 1);

    // Act
    const shortest = failed.reduce(
      (sum, attempt) => sum + (retryDelaySeconds(attempt, retrySchedule, () => 0) ?? 0),
      0,
    );
    const longest = failed.reduce((sum, attempt) => sum + retryCeilingSeconds(attempt, retrySchedule), 0);

    // Assess
    expect(shortest / 3600).toBeCloseTo(14.5, 0);
    expect(longest / 3600).toBeCloseTo(29, 0);
  });
});
