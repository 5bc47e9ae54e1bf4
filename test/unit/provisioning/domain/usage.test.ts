import { describe, expect, it } from 'vitest';
import {
  amountMicrosFor,
  hourlySlices,
  type Meter,
  periodOf,
  usageByProjectHour,
} from '../../../../functions/provisioning/domain/usage.js';

/** $0.036 an hour: 10 micro-dollars a second, so amounts are easy to check by eye. */
const RATE = 36_000;

function meter(overrides: Partial<Meter> = {}): Meter {
  const resourceId = overrides.resourceId ?? 'res_a';
  return {
    resourceId,
    meterId: `m_${resourceId}`,
    projectId: 'prj_1',
    tenantId: 'tenant-a',
    srn: `srn:sagastack:eu-west-1:tenant-a:${overrides.projectId ?? 'prj_1'}:vm/${resourceId}`,
    flavor: 'vm.small',
    ratePerHourMicros: RATE,
    startedAt: '2026-01-02T03:10:00.000Z',
    ...overrides,
  };
}

const line = (m: Meter, seconds: number, amountMicros: number) => ({
  resourceId: m.resourceId,
  srn: m.srn,
  flavor: m.flavor,
  seconds,
  amountMicros,
});

describe('periodOf', () => {
  it('names the UTC hour an instant falls in', () => {
    expect(periodOf(Date.parse('2026-01-02T03:00:00.000Z'))).toBe('2026-01-02T03');
    expect(periodOf(Date.parse('2026-01-02T03:59:59.999Z'))).toBe('2026-01-02T03');
    expect(periodOf(Date.parse('2026-01-02T04:00:00.000+01:00'))).toBe('2026-01-02T03');
    expect(periodOf(Date.parse('2025-12-31T23:30:00Z'))).toBe('2025-12-31T23');
  });
});

describe('amountMicrosFor', () => {
  it('charges the rate pro rata, to the millisecond', () => {
    expect(amountMicrosFor(3_600_000, RATE)).toBe(36_000);
    expect(amountMicrosFor(1_800_000, RATE)).toBe(18_000);
    expect(amountMicrosFor(1000, RATE)).toBe(10);
    expect(amountMicrosFor(100, RATE)).toBe(1);
    expect(amountMicrosFor(0, RATE)).toBe(0);
  });

  it('rounds to the nearest micro-dollar, halves up', () => {
    // 1 µ$/h for half an hour is half a micro-dollar: rounds up; a little less rounds down.
    expect(amountMicrosFor(1_800_000, 1)).toBe(1);
    expect(amountMicrosFor(1_799_999, 1)).toBe(0);
    // 7 µ$/h over 1 s = 0.001944… → 0; over 1000 s = 1.944… → 2; over 900 s = 1.75 → 2; over 540 s = 1.05 → 1.
    expect(amountMicrosFor(1000, 7)).toBe(0);
    expect(amountMicrosFor(1_000_000, 7)).toBe(2);
    expect(amountMicrosFor(900_000, 7)).toBe(2);
    expect(amountMicrosFor(540_000, 7)).toBe(1);
  });

  it('stays exact for large rates over a whole hour', () => {
    expect(amountMicrosFor(3_600_000, 1_000_000_000)).toBe(1_000_000_000);
    expect(amountMicrosFor(3_599_999, 1_000_000_000)).toBe(999_999_722);
  });
});

describe('hourlySlices', () => {
  it('gives one slice for a meter inside one hour', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:10:00Z', stoppedAt: '2026-01-02T03:40:30Z' });

    // Act & Assess
    expect(hourlySlices(m, Date.parse('2026-01-02T05:00:00Z'))).toEqual([{ period: '2026-01-02T03', ms: 1_830_000 }]);
  });

  it('cuts a meter at each hour boundary, across a day', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-01T22:45:00Z', stoppedAt: '2026-01-02T01:15:00Z' });

    // Act & Assess
    expect(hourlySlices(m, Date.parse('2026-01-03T00:00:00Z'))).toEqual([
      { period: '2026-01-01T22', ms: 900_000 },
      { period: '2026-01-01T23', ms: 3_600_000 },
      { period: '2026-01-02T00', ms: 3_600_000 },
      { period: '2026-01-02T01', ms: 900_000 },
    ]);
  });

  it('leaves out the hour a meter stopped in when it stopped exactly on the hour', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:00:00Z', stoppedAt: '2026-01-02T05:00:00Z' });

    // Act & Assess
    expect(hourlySlices(m, Date.parse('2026-01-02T09:00:00Z'))).toEqual([
      { period: '2026-01-02T03', ms: 3_600_000 },
      { period: '2026-01-02T04', ms: 3_600_000 },
    ]);
  });

  it('counts a running meter up to asOf', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:30:00Z' });

    // Act & Assess
    expect(hourlySlices(m, Date.parse('2026-01-02T04:20:00Z'))).toEqual([
      { period: '2026-01-02T03', ms: 1_800_000 },
      { period: '2026-01-02T04', ms: 1_200_000 },
    ]);
  });

  it('never counts past asOf, even for a meter stopped later', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:30:00Z', stoppedAt: '2026-01-02T06:00:00Z' });

    // Act & Assess
    expect(hourlySlices(m, Date.parse('2026-01-02T04:00:00Z'))).toEqual([{ period: '2026-01-02T03', ms: 1_800_000 }]);
  });

  it('gives nothing for a zero-length meter, a meter started at or after asOf, or one stopped before it started', () => {
    const asOf = Date.parse('2026-01-02T06:00:00Z');
    expect(hourlySlices(meter({ startedAt: '2026-01-02T03:10:00Z', stoppedAt: '2026-01-02T03:10:00Z' }), asOf)).toEqual(
      [],
    );
    expect(hourlySlices(meter({ startedAt: '2026-01-02T06:00:00Z' }), asOf)).toEqual([]);
    expect(hourlySlices(meter({ startedAt: '2026-01-02T07:00:00Z' }), asOf)).toEqual([]);
    expect(hourlySlices(meter({ startedAt: '2026-01-02T04:00:00Z', stoppedAt: '2026-01-02T03:00:00Z' }), asOf)).toEqual(
      [],
    );
  });

  it('refuses a meter whose instants are not ISO instants', () => {
    expect(() => hourlySlices(meter({ startedAt: 'yesterday' }), Date.now())).toThrow(/startedAt of meter m_res_a/);
    expect(() => hourlySlices(meter({ stoppedAt: 'later' }), Date.now())).toThrow(/stoppedAt of meter m_res_a/);
  });
});

describe('usageByProjectHour', () => {
  it('bills a meter inside one hour as one line', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:10:00Z', stoppedAt: '2026-01-02T03:40:00Z' });

    // Act
    const usage = usageByProjectHour([m], '2026-01-02T04:00:00Z');

    // Assess
    expect(usage).toEqual([
      { projectId: 'prj_1', period: '2026-01-02T03', lines: [line(m, 1800, 18_000)], totalMicros: 18_000 },
    ]);
  });

  it('bills a meter spanning hours in each hour it touched', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:45:00Z', stoppedAt: '2026-01-02T05:15:00Z' });

    // Act
    const usage = usageByProjectHour([m], '2026-01-02T06:00:00Z');

    // Assess
    expect(usage).toEqual([
      { projectId: 'prj_1', period: '2026-01-02T03', lines: [line(m, 900, 9000)], totalMicros: 9000 },
      { projectId: 'prj_1', period: '2026-01-02T04', lines: [line(m, 3600, 36_000)], totalMicros: 36_000 },
      { projectId: 'prj_1', period: '2026-01-02T05', lines: [line(m, 900, 9000)], totalMicros: 9000 },
    ]);
  });

  it('bills a running meter up to asOf, the current hour partly', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:30:00Z' });

    // Act
    const usage = usageByProjectHour([m], '2026-01-02T04:00:15.500Z');

    // Assess
    expect(usage).toEqual([
      { projectId: 'prj_1', period: '2026-01-02T03', lines: [line(m, 1800, 18_000)], totalMicros: 18_000 },
      { projectId: 'prj_1', period: '2026-01-02T04', lines: [line(m, 15.5, 155)], totalMicros: 155 },
    ]);
  });

  it('has no item for an hour nothing ran in: the run on the hour does not create an empty current hour', () => {
    // Prepare
    const m = meter({ startedAt: '2026-01-02T03:30:00Z' });

    // Act
    const usage = usageByProjectHour([m], '2026-01-02T04:00:00Z');

    // Assess
    expect(usage.map((item) => item.period)).toEqual(['2026-01-02T03']);
  });

  it('bills nothing for a zero-length meter', () => {
    expect(
      usageByProjectHour(
        [meter({ startedAt: '2026-01-02T03:10:00Z', stoppedAt: '2026-01-02T03:10:00Z' })],
        '2026-01-02T05:00:00Z',
      ),
    ).toEqual([]);
  });

  it('bills nothing for no meters', () => {
    expect(usageByProjectHour([], '2026-01-02T05:00:00Z')).toEqual([]);
  });

  it('groups several resources per project and hour, lines ordered by resource, totals summed', () => {
    // Prepare
    const vm = meter({ resourceId: 'res_b', startedAt: '2026-01-02T03:00:00Z', stoppedAt: '2026-01-02T04:30:00Z' });
    const volume = meter({
      resourceId: 'res_a',
      flavor: 'vol.standard-10',
      ratePerHourMicros: 3600,
      startedAt: '2026-01-02T03:30:00Z',
    });

    // Act
    const usage = usageByProjectHour([vm, volume], '2026-01-02T05:00:00Z');

    // Assess
    expect(usage).toEqual([
      {
        projectId: 'prj_1',
        period: '2026-01-02T03',
        lines: [line(volume, 1800, 1800), line(vm, 3600, 36_000)],
        totalMicros: 37_800,
      },
      {
        projectId: 'prj_1',
        period: '2026-01-02T04',
        lines: [line(volume, 3600, 3600), line(vm, 1800, 18_000)],
        totalMicros: 21_600,
      },
    ]);
  });

  it('keeps projects apart, even in the same hour and across tenants', () => {
    // Prepare
    const first = meter({ resourceId: 'res_1', projectId: 'prj_2', startedAt: '2026-01-02T03:00:00Z' });
    const second = meter({ resourceId: 'res_2', projectId: 'prj_1', startedAt: '2026-01-02T03:30:00Z' });
    const otherTenant = meter({
      resourceId: 'res_3',
      projectId: 'prj_9',
      tenantId: 'tenant-b',
      startedAt: '2026-01-02T03:45:00Z',
    });

    // Act
    const usage = usageByProjectHour([otherTenant, first, second], '2026-01-02T04:00:00Z');

    // Assess
    expect(usage).toEqual([
      { projectId: 'prj_1', period: '2026-01-02T03', lines: [line(second, 1800, 18_000)], totalMicros: 18_000 },
      { projectId: 'prj_2', period: '2026-01-02T03', lines: [line(first, 3600, 36_000)], totalMicros: 36_000 },
      { projectId: 'prj_9', period: '2026-01-02T03', lines: [line(otherTenant, 900, 9000)], totalMicros: 9000 },
    ]);
  });

  it('rounds each line on its own and totals the rounded lines, so the invoice adds up', () => {
    // Prepare: 7 µ$/h for 900 s is 1.75 µ$ per line.
    const a = meter({
      resourceId: 'res_a',
      ratePerHourMicros: 7,
      startedAt: '2026-01-02T03:00:00Z',
      stoppedAt: '2026-01-02T03:15:00Z',
    });
    const b = meter({
      resourceId: 'res_b',
      ratePerHourMicros: 7,
      startedAt: '2026-01-02T03:00:00Z',
      stoppedAt: '2026-01-02T03:15:00Z',
    });

    // Act
    const [hour] = usageByProjectHour([b, a], '2026-01-02T04:00:00Z');

    // Assess
    expect(hour?.lines.map((l) => l.amountMicros)).toEqual([2, 2]);
    expect(hour?.totalMicros).toBe(4);
  });

  it('keeps fractions of a second from millisecond instants and rounds the amount', () => {
    // Prepare
    const m = meter({
      ratePerHourMicros: 1_000_000,
      startedAt: '2026-01-02T03:00:00.250Z',
      stoppedAt: '2026-01-02T03:00:01.999Z',
    });

    // Act
    const [hour] = usageByProjectHour([m], '2026-01-02T04:00:00Z');

    // Assess: 1.749 s at $1/h = 485.83… µ$.
    expect(hour?.lines).toEqual([line(m, 1.749, 486)]);
  });

  it('gives the same items whatever order the meters come in, and the same figures when recomputed', () => {
    // Prepare
    const meters = [
      meter({ resourceId: 'res_c', startedAt: '2026-01-02T01:05:00Z', stoppedAt: '2026-01-02T02:10:00Z' }),
      meter({ resourceId: 'res_a', projectId: 'prj_2', startedAt: '2026-01-02T00:50:00Z' }),
      meter({ resourceId: 'res_b', startedAt: '2026-01-02T01:59:59Z' }),
    ];

    // Act
    const forward = usageByProjectHour(meters, '2026-01-02T03:00:00Z');
    const backward = usageByProjectHour([...meters].reverse(), '2026-01-02T03:00:00Z');
    const later = usageByProjectHour(meters, '2026-01-02T04:00:00Z');

    // Assess
    expect(backward).toEqual(forward);
    // A later run rewrites the finished hours with the same figures and only adds the new hour.
    expect(later.filter((item) => item.period < '2026-01-02T03')).toEqual(forward);
  });

  it('keeps two meters of the same resource as two lines', () => {
    // Prepare
    const first = meter({ meterId: 'm_res_a', startedAt: '2026-01-02T03:00:00Z', stoppedAt: '2026-01-02T03:10:00Z' });
    const second = meter({
      meterId: 'm_res_a#2',
      startedAt: '2026-01-02T03:20:00Z',
      stoppedAt: '2026-01-02T03:30:00Z',
    });

    // Act
    const [hour] = usageByProjectHour([second, first], '2026-01-02T04:00:00Z');

    // Assess
    expect(hour?.lines).toEqual([line(first, 600, 6000), line(second, 600, 6000)]);
    expect(hour?.totalMicros).toBe(12_000);
  });

  it('refuses an asOf that is not an instant', () => {
    expect(() => usageByProjectHour([], 'now')).toThrow(/asOf/);
  });
});
