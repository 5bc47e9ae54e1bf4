import { describe, expect, it } from 'vitest';
import {
  FAIL_FLAVOR,
  HANG_FLAVOR,
  parseWorkerTiming,
  planFor,
  provisionedNode,
  SHORT_DELAY_MS,
  workSlices,
} from '../../../../functions/provisioning/domain/node-agent.js';
import { ProvisionedNode, type WorkerCommand } from '../../../../shared/contracts/provisioning-worker.js';
import { WORKER_DISPATCH } from '../harness.js';

const TIMING = { durationMs: 2500, heartbeatMs: 1000 };

function command(overrides: Partial<WorkerCommand> = {}): WorkerCommand {
  return { ...WORKER_DISPATCH, ...overrides };
}

describe('planFor', () => {
  it('works for WORKER_DURATION_MS with heartbeats, then answers with the node for an ordinary flavor', () => {
    // Act
    const plan = planFor(command({ flavor: 'vm.large' }), TIMING);

    // Assess
    expect(plan).toEqual({
      kind: 'answer',
      work: [
        { heartbeat: true, waitMs: 1000 },
        { heartbeat: true, waitMs: 1000 },
        { heartbeat: true, waitMs: 500 },
      ],
      answer: { outcome: 'success', output: provisionedNode('res_01') },
    });
  });

  it('provisions volumes like VMs', () => {
    // Act
    const plan = planFor(command({ type: 'volume', flavor: 'vol.standard-10' }), TIMING);

    // Assess
    expect(plan).toMatchObject({ kind: 'answer', answer: { outcome: 'success' } });
  });

  it('stays silent for the hang flavor: no heartbeat, no answer', () => {
    // Act
    const plan = planFor(command({ flavor: HANG_FLAVOR }), TIMING);

    // Assess
    expect(plan).toEqual({ kind: 'silent', reason: expect.stringContaining(HANG_FLAVOR) });
  });

  it('fails with ProvisioningFailedError after a heartbeat and a short delay, naming the resource, for the fail flavor', () => {
    // Act
    const plan = planFor(command({ flavor: FAIL_FLAVOR }), TIMING);

    // Assess
    expect(plan).toEqual({
      kind: 'answer',
      work: [{ heartbeat: true, waitMs: SHORT_DELAY_MS }],
      answer: {
        outcome: 'failure',
        error: 'ProvisioningFailedError',
        cause: expect.stringContaining('srn:sagastack:eu-west-1:tenant-a:prj_1:vm/res_01'),
      },
    });
  });

  it.each([
    ['an ordinary', 'vm.small'],
    ['the hang', HANG_FLAVOR],
    ['the fail', FAIL_FLAVOR],
  ])('destroys a node of %s flavor successfully after a heartbeat and a short delay', (_label, flavor) => {
    // Act
    const plan = planFor(command({ command: 'destroy', flavor }), TIMING);

    // Assess
    expect(plan).toEqual({
      kind: 'answer',
      work: [{ heartbeat: true, waitMs: SHORT_DELAY_MS }],
      answer: { outcome: 'success', output: { destroyed: true } },
    });
  });

  it('never waits longer for a failure or a destroy than for a whole provision, so a zero duration answers at once', () => {
    // Prepare
    const instant = { durationMs: 0, heartbeatMs: 1000 };
    const brief = { durationMs: 120, heartbeatMs: 1000 };

    // Act & Assess
    expect(planFor(command({ flavor: FAIL_FLAVOR }), instant)).toMatchObject({ work: [] });
    expect(planFor(command({ command: 'destroy' }), instant)).toMatchObject({ work: [] });
    expect(planFor(command(), instant)).toMatchObject({ work: [], answer: { outcome: 'success' } });
    expect(planFor(command({ command: 'destroy' }), brief)).toMatchObject({
      work: [{ heartbeat: true, waitMs: 120 }],
    });
  });
});

describe('workSlices', () => {
  it('heartbeats at the start and every period, the last slice taking what remains', () => {
    expect(workSlices({ durationMs: 2500, heartbeatMs: 1000 })).toEqual([
      { heartbeat: true, waitMs: 1000 },
      { heartbeat: true, waitMs: 1000 },
      { heartbeat: true, waitMs: 500 },
    ]);
  });

  it('does not add an empty slice when the duration is a multiple of the period', () => {
    expect(workSlices({ durationMs: 2000, heartbeatMs: 1000 })).toEqual([
      { heartbeat: true, waitMs: 1000 },
      { heartbeat: true, waitMs: 1000 },
    ]);
  });

  it('heartbeats once for work shorter than the period, and not at all for no work', () => {
    expect(workSlices({ durationMs: 300, heartbeatMs: 1000 })).toEqual([{ heartbeat: true, waitMs: 300 }]);
    expect(workSlices({ durationMs: 0, heartbeatMs: 1000 })).toEqual([]);
  });

  it('always adds up to the duration', () => {
    for (const [durationMs, heartbeatMs] of [
      [1, 1],
      [999, 7],
      [60_000, 15_000],
      [45_001, 10_000],
    ] as const) {
      const slices = workSlices({ durationMs, heartbeatMs });
      expect(slices.reduce((total, slice) => total + slice.waitMs, 0)).toBe(durationMs);
      expect(slices.every((slice) => slice.waitMs > 0 && slice.waitMs <= heartbeatMs)).toBe(true);
    }
  });
});

describe('provisionedNode', () => {
  it('derives a node id and a private address from the resource id alone', () => {
    // Act
    const node = provisionedNode('res_01');

    // Assess
    expect(node.nodeId).toMatch(/^node-[0-9a-f]{12}$/);
    expect(node.ipAddress).toMatch(/^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/);
    expect(ProvisionedNode.parse(node)).toEqual(node);
    expect(provisionedNode('res_01')).toEqual(node);
  });

  it('gives different resources different nodes and addresses', () => {
    // Act
    const nodes = Array.from({ length: 200 }, (_, index) => provisionedNode(`res_${index}`));

    // Assess
    expect(new Set(nodes.map((node) => node.nodeId)).size).toBe(200);
    expect(new Set(nodes.map((node) => node.ipAddress)).size).toBeGreaterThan(195);
  });

  it('keeps every octet in range and the host part away from 0 and 255', () => {
    for (let index = 0; index < 2000; index++) {
      const octets = provisionedNode(`resource-${index}`).ipAddress.split('.').map(Number);
      expect(octets[0]).toBe(10);
      expect(octets.every((octet) => Number.isInteger(octet) && octet >= 0 && octet <= 255)).toBe(true);
      expect(octets[3]).toBeGreaterThanOrEqual(1);
      expect(octets[3]).toBeLessThanOrEqual(254);
    }
  });
});

describe('parseWorkerTiming', () => {
  it('reads whole milliseconds', () => {
    expect(parseWorkerTiming('60000', '15000')).toEqual({ durationMs: 60_000, heartbeatMs: 15_000 });
    expect(parseWorkerTiming('0', '1')).toEqual({ durationMs: 0, heartbeatMs: 1 });
  });

  it.each([
    ['-1', '1000', /WORKER_DURATION_MS/],
    ['1.5', '1000', /WORKER_DURATION_MS/],
    ['soon', '1000', /WORKER_DURATION_MS/],
    ['1000', '0', /WORKER_HEARTBEAT_MS/],
    ['1000', '-5', /WORKER_HEARTBEAT_MS/],
    ['1000', 'often', /WORKER_HEARTBEAT_MS/],
  ])('refuses duration %s with heartbeat %s', (duration, heartbeat, message) => {
    expect(() => parseWorkerTiming(duration, heartbeat)).toThrow(message);
  });
});
