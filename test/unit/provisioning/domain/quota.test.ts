import { describe, expect, it } from 'vitest';
import {
  addAmounts,
  decideQuota,
  describeShortfall,
  parseQuotas,
  remaining,
  shortfallDetails,
  subtractAmounts,
  usageCeiling,
  ZERO,
} from '../../../../functions/provisioning/domain/quota.js';

const QUOTAS = { vcpu: 4, memoryGiB: 16, storageGiB: 100 };

describe('decideQuota', () => {
  it('fits a demand into an empty quota', () => {
    // Act
    const decision = decideQuota(QUOTAS, ZERO, { vcpu: 2, memoryGiB: 8, storageGiB: 0 });

    // Assess
    expect(decision).toEqual({ fits: true, exceeded: [], available: QUOTAS });
  });

  it('fits a demand that brings usage exactly to the quota', () => {
    // Act
    const decision = decideQuota(
      QUOTAS,
      { vcpu: 3, memoryGiB: 14, storageGiB: 90 },
      { vcpu: 1, memoryGiB: 2, storageGiB: 10 },
    );

    // Assess
    expect(decision.fits).toBe(true);
    expect(decision.exceeded).toEqual([]);
  });

  it.each([
    ['vcpu', { vcpu: 2, memoryGiB: 0, storageGiB: 0 }],
    ['memoryGiB', { vcpu: 0, memoryGiB: 3, storageGiB: 0 }],
    ['storageGiB', { vcpu: 0, memoryGiB: 0, storageGiB: 11 }],
  ])('refuses one unit over the quota of %s', (dimension, demand) => {
    // Act
    const decision = decideQuota(QUOTAS, { vcpu: 3, memoryGiB: 14, storageGiB: 90 }, demand);

    // Assess
    expect(decision.fits).toBe(false);
    expect(decision.exceeded).toEqual([dimension]);
  });

  it('names every exceeded dimension in a fixed order, with what is left', () => {
    // Act
    const decision = decideQuota(
      QUOTAS,
      { vcpu: 4, memoryGiB: 10, storageGiB: 100 },
      { vcpu: 1, memoryGiB: 8, storageGiB: 1 },
    );

    // Assess
    expect(decision).toEqual({
      fits: false,
      exceeded: ['vcpu', 'memoryGiB', 'storageGiB'],
      available: { vcpu: 0, memoryGiB: 6, storageGiB: 0 },
    });
  });

  it('fits a zero demand even into a full quota', () => {
    // Act
    const decision = decideQuota(QUOTAS, QUOTAS, ZERO);

    // Assess
    expect(decision.fits).toBe(true);
  });

  it('refuses anything in a zero quota', () => {
    // Act
    const decision = decideQuota(ZERO, ZERO, { vcpu: 1, memoryGiB: 0, storageGiB: 0 });

    // Assess
    expect(decision.exceeded).toEqual(['vcpu']);
  });

  it('never reports negative availability when usage is already above a lowered quota', () => {
    // Act
    const decision = decideQuota(
      { vcpu: 2, memoryGiB: 16, storageGiB: 100 },
      { vcpu: 3, memoryGiB: 0, storageGiB: 0 },
      ZERO,
    );

    // Assess
    expect(decision.available.vcpu).toBe(0);
  });
});

describe('quota arithmetic', () => {
  it('computes what is left', () => {
    // Assess
    expect(remaining(QUOTAS, { vcpu: 1, memoryGiB: 2, storageGiB: 100 })).toEqual({
      vcpu: 3,
      memoryGiB: 14,
      storageGiB: 0,
    });
  });

  it('computes the usage ceiling at which a demand still fits, for the database condition', () => {
    // Act
    const ceiling = usageCeiling(QUOTAS, { vcpu: 1, memoryGiB: 2, storageGiB: 0 });

    // Assess
    expect(ceiling).toEqual({ vcpu: 3, memoryGiB: 14, storageGiB: 100 });
    // At the ceiling it fits exactly; one above, it does not.
    expect(decideQuota(QUOTAS, ceiling, { vcpu: 1, memoryGiB: 2, storageGiB: 0 }).fits).toBe(true);
    expect(decideQuota(QUOTAS, { ...ceiling, vcpu: 4 }, { vcpu: 1, memoryGiB: 2, storageGiB: 0 }).fits).toBe(false);
  });

  it('gives a negative ceiling for a demand larger than the quota, which no usage satisfies', () => {
    // Assess
    expect(usageCeiling(QUOTAS, { vcpu: 8, memoryGiB: 0, storageGiB: 0 }).vcpu).toBe(-4);
  });

  it('adds and subtracts amounts dimension by dimension', () => {
    // Prepare
    const a = { vcpu: 1, memoryGiB: 2, storageGiB: 10 };
    const b = { vcpu: 2, memoryGiB: 8, storageGiB: 0 };

    // Assess
    expect(addAmounts(a, b)).toEqual({ vcpu: 3, memoryGiB: 10, storageGiB: 10 });
    expect(subtractAmounts(addAmounts(a, b), b)).toEqual(a);
  });

  it('describes the shortfall for the error message', () => {
    // Prepare
    const demand = { vcpu: 8, memoryGiB: 32, storageGiB: 0 };
    const decision = decideQuota(QUOTAS, { vcpu: 1, memoryGiB: 2, storageGiB: 0 }, demand);

    // Act
    const message = describeShortfall(decision, demand);

    // Assess
    expect(message).toBe("The tenant's quota is exceeded: vcpu needs 8, 3 left; memoryGiB needs 32, 14 left");
  });

  it('details the shortfall as both refusals report it: exceeded, requested, available', () => {
    // Prepare
    const demand = { vcpu: 8, memoryGiB: 32, storageGiB: 0 };
    const decision = decideQuota(QUOTAS, { vcpu: 1, memoryGiB: 2, storageGiB: 0 }, demand);

    // Act
    const details = shortfallDetails(decision, demand);

    // Assess
    expect(details).toEqual({
      exceeded: ['vcpu', 'memoryGiB'],
      requested: demand,
      available: { vcpu: 3, memoryGiB: 14, storageGiB: 100 },
    });
  });
});

describe('parseQuotas', () => {
  it('reads DEFAULT_TENANT_QUOTAS', () => {
    // Assess
    expect(parseQuotas('{"vcpu":16,"memoryGiB":64,"storageGiB":500}')).toEqual({
      vcpu: 16,
      memoryGiB: 64,
      storageGiB: 500,
    });
  });

  it('keeps only the three dimensions', () => {
    // Assess
    expect(parseQuotas('{"vcpu":1,"memoryGiB":2,"storageGiB":3,"gpus":9}')).toEqual({
      vcpu: 1,
      memoryGiB: 2,
      storageGiB: 3,
    });
  });

  it.each([
    ['not JSON', 'vcpu=16'],
    ['not an object', '16'],
    ['null', 'null'],
    ['a missing dimension', '{"vcpu":16,"memoryGiB":64}'],
    ['a negative amount', '{"vcpu":-1,"memoryGiB":64,"storageGiB":500}'],
    ['a fraction', '{"vcpu":1.5,"memoryGiB":64,"storageGiB":500}'],
    ['a string amount', '{"vcpu":"16","memoryGiB":64,"storageGiB":500}'],
  ])('refuses %s loudly', (_case, json) => {
    // Assess
    expect(() => parseQuotas(json)).toThrow(RangeError);
  });
});
